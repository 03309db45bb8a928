"""Account views: they validate input, call services and render; no business rules live here."""

import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import View
from django_otp import user_has_device

from consultations.choices import OfficialStatus
from consultations.models import Official

from . import forms, ratelimits, selectors, services, tokens
from .services import (
    LOCKED_LOGIN,
    login_account_key,
    login_failure_record,
    login_failures_clear,
    login_lockout,
)

MODEL_BACKEND = settings.AUTHENTICATION_BACKENDS[0]
OTP_PENDING = "accounts_otp_pending"
# A password checked but not yet followed by a code is forgotten after this long.
OTP_PENDING_SECONDS = 5 * 60

LOGIN_RATE_LIMITED = _("Too many sign-in attempts. Wait a few minutes and try again.")
SIGNUP_RATE_LIMITED = _("Too many sign-ups from your network. Try again in an hour.")
RESET_RATE_LIMITED = _("Too many password reset requests from your network. Try again later.")
CODE_INVALID = _("This code is not valid. Enter the current code from the app.")


def _safe_next(request, default=None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    try:
        return resolve_url(default or settings.LOGIN_REDIRECT_URL)
    except NoReverseMatch:
        # The consultation desk may not be installed yet; the home page is always there.
        return "/"


# Sign-up and e-mail verification


@never_cache
@sensitive_post_parameters("password1", "password2")
def signup(request):
    if request.user.is_authenticated:
        return redirect("account_home")
    if request.method != "POST":
        return render(request, "accounts/signup.html", {"form": forms.SignupForm()})
    form = forms.SignupForm(request.POST)
    valid = form.is_valid()
    # Only sign-ups and tripped spam traps count, so an official correcting typos is not locked out.
    if (valid or form.spam) and ratelimits.limited_by_ip(
        request, "accounts.signup", settings.ACCOUNT_SIGNUP_RATE
    ):
        form.add_error(None, SIGNUP_RATE_LIMITED)
        return render(request, "accounts/signup.html", {"form": form}, status=429)
    if not valid:
        return render(request, "accounts/signup.html", {"form": form})
    data = form.cleaned_data
    services.official_register(
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        position=data["position"],
        municipality=data["municipality"],
        password=data["password1"],
    )
    return redirect("account_signup_done")


@never_cache
def signup_done(request):
    return render(request, "accounts/signup_done.html", {"days": settings.ACCOUNT_VERIFY_EMAIL_DAYS})


@never_cache
def verify_email(request, token):
    """GET shows a confirm button; only the POST verifies, so mail scanners that open links verify nothing."""
    try:
        user_id, email = tokens.email_verification_read(token)
    except tokens.TokenExpired:
        return render(request, "accounts/verify_email.html", {"state": "expired", "form": forms.EmailForm()})
    except tokens.TokenInvalid:
        return render(request, "accounts/verify_email.html", {"state": "invalid"}, status=404)
    official = Official.objects.filter(user_id=user_id, user__email__iexact=email).first()
    if official is None:
        return render(request, "accounts/verify_email.html", {"state": "invalid"}, status=404)
    if official.status != OfficialStatus.UNVERIFIED:
        return render(request, "accounts/verify_email.html", {"state": "done", "official": official})
    if request.method != "POST":
        return render(request, "accounts/verify_email.html", {"state": "confirm", "official": official})
    official = services.official_verify_email(user_id=user_id, email=email)
    return render(request, "accounts/verify_email.html", {"state": "done", "official": official})


@never_cache
def resend_verification(request):
    form = forms.EmailForm(request.POST or None)
    if request.method == "POST":
        if ratelimits.limited_by_ip(request, "accounts.resend", settings.ACCOUNT_SIGNUP_RATE):
            form.add_error(None, SIGNUP_RATE_LIMITED)
            return render(request, "accounts/resend_verification.html", {"form": form}, status=429)
        if form.is_valid():
            services.verification_email_resend(email=form.cleaned_data["email"])
            return render(request, "accounts/resend_verification.html", {"sent": True})
    return render(request, "accounts/resend_verification.html", {"form": form})


# Sign-in, the one-time code step, sign-out


@method_decorator([never_cache, sensitive_post_parameters("password")], name="dispatch")
class LoginView(View):
    template_name = "accounts/login.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            return HttpResponseRedirect(_safe_next(request))
        return self._render(forms.LoginForm())

    def _render(self, form, status=200, state=""):
        context = {
            "form": form,
            "next": self.request.POST.get("next") or self.request.GET.get("next", ""),
            "state": state,
        }
        return render(self.request, self.template_name, context, status=status)

    def post(self, request, *args, **kwargs):
        form = forms.LoginForm(request.POST)
        if ratelimits.limited_by_ip(request, "accounts.login.ip", settings.ACCOUNT_LOGIN_RATE):
            form.is_valid()
            form.add_error(None, LOGIN_RATE_LIMITED)
            return self._render(form, status=429)
        if not form.is_valid():
            return self._render(form)
        identifier = form.cleaned_data["login"]
        user = selectors.user_find_by_login(identifier)
        if ratelimits.limited_by_account(request, login_account_key(user, identifier)):
            form.add_error(None, LOGIN_RATE_LIMITED)
            return self._render(form, status=429)
        outcome = services.login_check(identifier=identifier, password=form.cleaned_data["password"])
        if outcome.error:
            form.add_error(None, outcome.error)
            return self._render(form, state=outcome.state)
        user = outcome.user
        if user_has_device(user):
            request.session[OTP_PENDING] = {
                "user": user.pk,
                "at": int(time.time()),
                "next": _safe_next(request),
            }
            return redirect("account_otp")
        auth.login(request, user, backend=MODEL_BACKEND)
        return HttpResponseRedirect(_safe_next(request))


def _pending_otp_user(request):
    pending = request.session.get(OTP_PENDING)
    if not pending or time.time() - pending.get("at", 0) > OTP_PENDING_SECONDS:
        return None, None
    user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending.get("next")


@never_cache
def otp_verify(request):
    """The second step: a code from the app, after the password or for a session that lacks it."""
    if request.user.is_authenticated:
        if request.user.is_verified() or not user_has_device(request.user):
            return HttpResponseRedirect(_safe_next(request))
        user, next_url = request.user, _safe_next(request)
    else:
        user, next_url = _pending_otp_user(request)
        if user is None:
            request.session.pop(OTP_PENDING, None)
            messages.info(request, _("Sign in again to continue."))
            return redirect("account_login")
    form = forms.VerifyCodeForm(request.POST or None)
    context = {"form": form, "next": request.GET.get("next", "")}
    if request.method == "POST" and form.is_valid():
        key = login_account_key(user, "")
        lockout = login_lockout(key)
        if lockout.locked:
            form.add_error(None, LOCKED_LOGIN % {"minutes": lockout.minutes})
            return render(request, "accounts/otp_verify.html", context)
        from django_otp import match_token

        device = match_token(user, form.cleaned_data["code"])
        if device is None:
            lockout = login_failure_record(key)
            form.add_error(
                "code", LOCKED_LOGIN % {"minutes": lockout.minutes} if lockout.locked else CODE_INVALID
            )
            return render(request, "accounts/otp_verify.html", context)
        login_failures_clear(key)
        _backup_code_used(request, user, device)
        if request.user.is_authenticated:
            from django_otp import login as otp_login

            otp_login(request, device)
        else:
            request.session.pop(OTP_PENDING, None)
            # django-otp marks the session verified when the user carries the device through login().
            user.otp_device = device
            auth.login(request, user, backend=MODEL_BACKEND)
        return HttpResponseRedirect(next_url)
    return render(request, "accounts/otp_verify.html", context)


def _backup_code_used(request, user, device) -> None:
    from . import two_factor as tf

    if device.name != tf.BACKUP_DEVICE_NAME:
        return
    left = tf.backup_codes_left(user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a backup code; %(left)d is left. Make new ones in your account.",
            "You signed in with a backup code; %(left)d are left. Make new ones in your account.",
            left,
        )
        % {"left": left},
    )


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


# Approval of officials by a coordinator


def _coordinator_or_404(request):
    if not selectors.is_coordinator(request.user):
        raise Http404


@never_cache
@login_required
def approval_list(request, reject_forms=None):
    _coordinator_or_404(request)
    officials = list(selectors.officials_pending())
    reject_forms = reject_forms or {}
    for official in officials:
        official.reject_form = reject_forms.get(official.pk) or forms.RejectForm(
            prefix=f"reject-{official.pk}"
        )
    return render(request, "accounts/approval_list.html", {"officials": officials})


def _pending_official_or_404(pk):
    official = selectors.officials_pending().filter(pk=pk).first()
    if official is None:
        raise Http404
    return official


@require_POST
@login_required
def approve(request, pk):
    _coordinator_or_404(request)
    official = _pending_official_or_404(pk)
    try:
        services.official_approve(actor=request.user, official_id=official.pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("%(name)s can now sign in.") % {"name": official.user.get_full_name()})
    return redirect("account_approval_list")


@require_POST
@login_required
def reject(request, pk):
    _coordinator_or_404(request)
    official = _pending_official_or_404(pk)
    form = forms.RejectForm(request.POST, prefix=f"reject-{official.pk}")
    if not form.is_valid():
        return approval_list(request, reject_forms={official.pk: form})
    try:
        services.official_reject(
            actor=request.user, official_id=official.pk, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The account of %(name)s was rejected.") % {"name": official.user.get_full_name()}
        )
    return redirect("account_approval_list")


# Password reset and change


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        if ratelimits.limited_by_ip(request, "accounts.password-reset", settings.ACCOUNT_PASSWORD_RESET_RATE):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, RESET_RATE_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


# My account


@never_cache
@login_required
def account_home(request):
    official = Official.objects.filter(user=request.user).select_related("municipality").first()
    return render(
        request,
        "accounts/account.html",
        {
            "official": official,
            "two_factor": user_has_device(request.user),
            "is_coordinator": selectors.is_coordinator(request.user),
            "is_staff_member": selectors.is_staff_member(request.user),
        },
    )


# Two-factor authentication


@never_cache
@login_required
def two_factor(request):
    from django_otp import login as otp_login
    from django_otp import match_token

    from . import two_factor as tf

    enabled = user_has_device(request.user)
    required = settings.ACCOUNT_REQUIRE_2FA_FOR_STAFF and selectors.is_staff_member(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    # On: one form switches it off, another makes new backup codes; each proves the second step again.
    form = (forms.VerifyCodeForm if enabled else forms.CodeForm)(request.POST if action != "backup" else None)
    backup_form = forms.VerifyCodeForm(request.POST if action == "backup" else None, prefix="backup")
    if action == "enable" and not enabled and form.is_valid():
        device = tf.totp_device_pending(request.user)
        if tf.totp_device_confirm(device=device, code=form.cleaned_data["code"]):
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, _("Two-factor authentication is on."))
            return _backup_codes_page(request, tf.backup_codes_issue(user=request.user))
        form.add_error("code", CODE_INVALID)
    elif action == "disable" and enabled and not required and form.is_valid():
        if match_token(request.user, form.cleaned_data["code"]) is not None:
            tf.totp_disable(user=request.user)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("account_home")
        form.add_error("code", CODE_INVALID)
    elif action == "backup" and enabled and backup_form.is_valid():
        if match_token(request.user, backup_form.cleaned_data["code"]) is not None:
            return _backup_codes_page(request, tf.backup_codes_issue(user=request.user))
        backup_form.add_error("code", CODE_INVALID)
    context = {
        "form": form,
        "backup_form": backup_form,
        "enabled": enabled,
        "required": required,
        "next": request.GET.get("next", ""),
        "backup_codes_left": tf.backup_codes_left(request.user) if enabled else 0,
    }
    if not enabled:
        device = tf.totp_device_pending(request.user)
        context.update(qr_svg=tf.totp_qr_svg(device), secret=tf.totp_secret_text(device))
    return render(request, "accounts/two_factor.html", context)


def _backup_codes_page(request, codes: list[str]):
    """The new backup codes, shown this once; the page then leads on to where the user was going."""
    return render(
        request,
        "accounts/backup_codes.html",
        {"codes": codes, "next_url": _safe_next(request, "account_home")},
    )


# RODO: the right of access


@never_cache
@login_required
def data_export(request):
    data = {"exported_at": timezone.now().isoformat(), **selectors.user_personal_data(request.user)}
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="moje-dane.json"'
    return response
