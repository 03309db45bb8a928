"""Per-client and per-account rate limits, counted in the shared cache by django-ratelimit."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def limited_by_ip(request, group: str, rate: str) -> bool:
    """Count this request against the client's IP address; True once the rate is exceeded."""
    return is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)


def limited_by_account(request, account_key: str) -> bool:
    return is_ratelimited(
        request,
        group="accounts.login.account",
        key=lambda group, request: account_key,
        rate=settings.ACCOUNT_LOGIN_RATE,
        method="POST",
        increment=True,
    )
