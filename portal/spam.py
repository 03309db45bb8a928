"""Spam traps for public forms without third-party services: a hidden honeypot field and a signed start time.

Bots fill every input and post at once; people leave the hidden field empty and take a few seconds.
"""

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

SPAM_REFUSED = _("We could not accept this form. Please check your answers and send it again.")
TOO_FAST = _("The form was sent too quickly. Please check your answers and send it again.")
FORM_EXPIRED = _("The form has expired. Please check your answers and send it again.")


def started_token(salt: str, now: float | None = None) -> str:
    """When a form was shown, signed so a bot cannot claim it waited."""
    return signing.dumps(int(now if now is not None else time.time()), salt=salt)


def started_read(salt: str, token: str) -> int | None:
    """The time a form was shown, or None for a forged or missing value."""
    try:
        value = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


class SpamTrapMixin(forms.Form):
    """Adds the traps to a form; call ``spam_check()`` first thing in ``clean()``.

    Subclasses set ``started_salt`` and the names of the settings holding the minimum and maximum seconds.
    ``spam`` is true when the submission looked automated, so the view can count it against the rate limit.
    """

    website = forms.CharField(required=False, label=_("Leave this field empty"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    HONEYPOT = "website"
    started_salt = "portal.spam.started"
    min_seconds_setting = "EVENT_REGISTRATION_MIN_SECONDS"
    max_seconds_setting = "ACCOUNT_SIGNUP_MAX_SECONDS"

    def __init__(self, *args, now: float | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The traps go last, after the subclass's own fields.
        for name in (self.HONEYPOT, "started"):
            self.fields[name] = self.fields.pop(name)
        self.now = now if now is not None else time.time()
        if not self.is_bound:
            self.initial["started"] = started_token(self.started_salt, self.now)
        self.spam = False

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != self.HONEYPOT]

    def spam_check(self, data):
        """Raise a form-wide error for a filled honeypot, a forged, too recent or too old start time."""
        if data.get(self.HONEYPOT):
            self.spam = True
            raise forms.ValidationError(SPAM_REFUSED)
        started = started_read(self.started_salt, self.data.get("started", ""))
        elapsed = self.now - started if started is not None else None
        if elapsed is None or elapsed < 0:
            self.spam = True
            self._renew_started()
            raise forms.ValidationError(SPAM_REFUSED)
        if elapsed < getattr(settings, self.min_seconds_setting):
            self.spam = True
            raise forms.ValidationError(TOO_FAST)
        if elapsed > getattr(settings, self.max_seconds_setting):
            self._renew_started()
            raise forms.ValidationError(FORM_EXPIRED)

    def _renew_started(self):
        # The re-shown form gets a fresh start time, so the next honest attempt passes.
        self.data = self.data.copy()
        self.data["started"] = started_token(self.started_salt, self.now)
