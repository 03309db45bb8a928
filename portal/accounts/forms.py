"""Account forms: sign-up with spam traps, login, one-time codes, approval decisions, password reset."""

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from knowledge.models import Municipality
from portal.spam import SpamTrapMixin

from . import selectors, tasks, tokens

EMAIL_TAKEN = _("An account with this e-mail address already exists. Sign in or reset your password.")
PASSWORDS_DIFFER = _("The two passwords do not match.")


class MunicipalityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_voivodeship_display()})" if obj.voivodeship else obj.name


class SignupForm(SpamTrapMixin):
    first_name = forms.CharField(
        label=_("First name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        label=_("Work e-mail address"),
        max_length=150,
        help_text=_(
            "Your login. Use your office address: addresses in a verified municipal domain need no approval."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    position = forms.CharField(
        label=_("Position"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    municipality = MunicipalityChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name", "voivodeship"),
        empty_label=_("— choose your municipality —"),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; not only digits and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the information on the processing of personal data and I agree to the processing of "
            "my data to run my account."
        ),
    )
    # Spam traps (portal.spam): a field people never see and the signed time the form was shown.
    started_salt = tokens.SIGNUP_STARTED_SALT
    min_seconds_setting = "ACCOUNT_SIGNUP_MIN_SECONDS"
    max_seconds_setting = "ACCOUNT_SIGNUP_MAX_SECONDS"

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if selectors.email_taken(email):
            raise forms.ValidationError(EMAIL_TAKEN)
        return email

    def clean(self):
        data = super().clean()
        self.spam_check(data)
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", PASSWORDS_DIFFER)
        elif password1:
            candidate = get_user_model()(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginForm(forms.Form):
    login = forms.CharField(
        label=_("E-mail address or login"),
        max_length=254,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    not_digits = _("Enter the digits shown by the app.")

    code = forms.CharField(
        label=_("Code from the authenticator app"),
        max_length=12,  # room for a backup code written in two groups (VerifyCodeForm)
        help_text=_("Six digits shown by the app, e.g. 123456."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "size": 10}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(self.not_digits)
        return code


class VerifyCodeForm(CodeForm):
    """The code that proves the second step: from the app, or one of the backup codes."""

    not_digits = _("Codes are digits only: six from the app, or the eight of a backup code.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("Code from the app or a backup code")
        code.help_text = _("Six digits shown by the app, or one of your eight-digit backup codes.")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=1000,
        help_text=_("The official receives it by e-mail."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the e-mail going out through the task queue after commit."""

    def save(self, *args, **kwargs):
        for user in self.get_users(self.cleaned_data["email"]):
            user_id = user.pk
            transaction.on_commit(lambda user_id=user_id: tasks.password_reset_email_task.enqueue(user_id))
