"""Signed values handed to browsers: e-mail verification links and the sign-up form's start time."""

import time

from django.conf import settings
from django.core import signing

VERIFY_EMAIL_SALT = "portal.accounts.verify-email"
SIGNUP_STARTED_SALT = "portal.accounts.signup-started"


class TokenExpired(Exception):
    pass


class TokenInvalid(Exception):
    pass


def email_verification_token(user) -> str:
    """A link token bound to the user and the address: changing the address voids older links."""
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFY_EMAIL_SALT, compress=True)


def email_verification_read(token: str) -> tuple[int, str]:
    """The (user id, e-mail) a token was made for; raises TokenExpired or TokenInvalid."""
    max_age = settings.ACCOUNT_VERIFY_EMAIL_DAYS * 24 * 60 * 60
    try:
        data = signing.loads(token, salt=VERIFY_EMAIL_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except signing.BadSignature as exc:
        raise TokenInvalid from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("e"), str):
        raise TokenInvalid
    return data["u"], data["e"]


def signup_started_token(now: float | None = None) -> str:
    """When the sign-up form was shown, signed so a bot cannot claim it waited."""
    return signing.dumps(int(now if now is not None else time.time()), salt=SIGNUP_STARTED_SALT)


def signup_started_read(token: str) -> int | None:
    """The time a sign-up form was shown, or None for a forged or missing value."""
    try:
        value = signing.loads(token, salt=SIGNUP_STARTED_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None
