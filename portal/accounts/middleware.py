"""Holds back signed-in sessions that still owe a one-time code, wherever they signed in."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from .selectors import is_staff_member

# The code step itself, sign-out, 2FA set-up and assets must stay reachable.
EXEMPT_PREFIXES = (
    "/konto/logowanie/kod/",
    "/konto/wyloguj/",
    "/konto/2fa/",
    "/admin/logout/",
    "/static/",
    "/media/",
)

NO_DEVICE_SESSION_KEY = "accounts_no_otp_device"
OTHER_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")


class OTPRequiredMiddleware:
    """A user with a confirmed device is verified before any page; staff may be required to set one up.

    The admin login pages are sent to the portal's login; sessions started any other way (e.g. by an
    administrator's shell or a future login path) are still held here until the code is given.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path in OTHER_LOGIN_PATHS:
            # One door in: the admin login forms know neither the rate limits, the lockout nor the code step.
            target = request.GET.get("next", "")
            query = f"?{urlencode({'next': target})}" if target.startswith("/") else ""
            return redirect(reverse("account_login") + query)
        step = self._step_owed(request)
        if step is not None:
            return self._redirect(step, request)
        return self.get_response(request)

    @staticmethod
    def _step_owed(request) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return None
        if user.is_verified() or request.session.get(NO_DEVICE_SESSION_KEY) == user.pk:
            return None
        if user_has_device(user):
            return "account_otp"
        if settings.ACCOUNT_REQUIRE_2FA_FOR_STAFF and is_staff_member(user):
            return "account_two_factor"
        # Users without a device pass on every request: remember it for the session rather than query the
        # devices each time. A device set up later protects every new sign-in.
        request.session[NO_DEVICE_SESSION_KEY] = user.pk
        return None

    @staticmethod
    def _redirect(name, request):
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
