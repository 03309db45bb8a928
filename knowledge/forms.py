"""Public and organiser forms for event registration."""

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.choices import QuestionKind, RegistrationStatus
from knowledge.models import Municipality
from knowledge.registration import Registrant
from portal.accounts.forms import MunicipalityChoiceField
from portal.spam import SpamTrapMixin

YES, NO = "yes", "no"
YES_NO = [(YES, _("yes")), (NO, _("no"))]


class RegistrationForm(SpamTrapMixin):
    first_name = forms.CharField(
        label=_("First name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    institution = forms.CharField(
        label=_("Institution"),
        max_length=200,
        help_text=_("For example: the municipal social assistance centre in Gogolin."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
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
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send the confirmation and any changes to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=1000,
        required=False,
        help_text=_("For example: a sign-language interpreter, an induction loop, step-free access."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("I have read the information clause above and I agree to the processing of my data.")
    )

    started_salt = "knowledge.registration.started"
    min_seconds_setting = "EVENT_REGISTRATION_MIN_SECONDS"
    max_seconds_setting = "ACCOUNT_SIGNUP_MAX_SECONDS"

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(event.questions.all())
        extra = {}
        for question in self.questions:
            name = f"question_{question.pk}"
            if question.kind == QuestionKind.TEXT:
                extra[name] = forms.CharField(
                    label=question.label,
                    max_length=1000,
                    required=question.required,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            else:
                choices = (
                    YES_NO if question.kind == QuestionKind.YES_NO else [(o, o) for o in question.options]
                )
                extra[name] = forms.ChoiceField(
                    label=question.label,
                    choices=choices,
                    required=question.required,
                    widget=forms.RadioSelect,
                )
        # Extra questions come before the consent, the spam traps stay last.
        ordered = list(self.fields)
        position = ordered.index("consent")
        self.fields = {
            **{k: self.fields[k] for k in ordered[:position]},
            **extra,
            **{k: self.fields[k] for k in ordered[position:]},
        }

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        self.spam_check(data)
        return data

    def registrant(self) -> Registrant:
        data = self.cleaned_data
        answers = []
        for question in self.questions:
            value = data.get(f"question_{question.pk}", "")
            if question.kind == QuestionKind.YES_NO and value:
                value = str(dict(YES_NO)[value])
            answers.append({"question": question.label, "answer": value})
        return Registrant(
            first_name=data["first_name"],
            last_name=data["last_name"],
            institution=data["institution"],
            position=data["position"],
            municipality=data["municipality"],
            email=data["email"],
            phone=data["phone"],
            accessibility_needs=data["accessibility_needs"],
            answers=answers,
        )


class RegistrationFilterForm(forms.Form):
    """Filters of the organiser's list of registrations."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + RegistrationStatus.choices
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), required=False, queryset=Municipality.objects.none(), empty_label=_("all")
    )
    q = forms.CharField(label=_("Name, e-mail or institution"), required=False, max_length=100)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(
            pk__in=event.registrations.values("municipality")
        ).order_by("name")


class ParticipantMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 10}))
