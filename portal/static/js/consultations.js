// Consultation desk enhancements; every form works without them.
(function () {
  "use strict";

  // Similar published answers while the title is typed.
  var box = document.getElementById("similar");
  var input = box && document.getElementById(box.dataset.similarFor);
  if (box && input) {
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === last) return;
        last = q;
        if (q.length < 4) { box.textContent = ""; return; }
        fetch(box.dataset.similarUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            box.textContent = "";
            if (!data.results.length) return;
            var heading = document.createElement("p");
            heading.className = "similar__heading";
            heading.textContent = box.dataset.similarHeading;
            var list = document.createElement("ul");
            data.results.forEach(function (item) {
              var li = document.createElement("li");
              var a = document.createElement("a");
              a.href = item.url;
              a.target = "_blank";
              a.rel = "noopener";
              a.textContent = item.title;
              li.appendChild(a);
              li.appendChild(document.createTextNode(" (" + item.type + ")"));
              list.appendChild(li);
            });
            box.appendChild(heading);
            box.appendChild(list);
          })
          .catch(function () { box.textContent = ""; });
      }, 350);
    });
  }

  // Saved answer templates fill the answer box.
  var store = document.getElementById("answer-templates");
  var select = document.getElementById("id_answer-template");
  var body = document.getElementById("id_answer-body");
  if (store && select && body) {
    select.addEventListener("change", function () {
      var t = store.querySelector('template[data-pk="' + select.value + '"]');
      if (!t) return;
      if (body.value.trim() && !window.confirm(select.dataset.confirm || "Replace the text?")) return;
      body.value = t.innerHTML.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
      body.focus();
    });
  }
})();
