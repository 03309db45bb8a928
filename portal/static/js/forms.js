// After a failed submit the error summary takes the focus, so keyboard and screen-reader users start there.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
