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


class OTPRequiredMiddleware:
    """A user with a confirmed device is verified before any page; staff may be required to set one up.

    Sessions started on /admin/login/ or /django-admin/login/ skip the portal's code step, so the check
    lives here rather than in the login view.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
        ):
            if user_has_device(user):
                return self._redirect("account_otp", request)
            if settings.ACCOUNT_REQUIRE_2FA_FOR_STAFF and is_staff_member(user):
                return self._redirect("account_two_factor", request)
        return self.get_response(request)

    @staticmethod
    def _redirect(name, request):
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
