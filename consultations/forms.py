from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from consultations.choices import Category, Role
from consultations.models import Adviser, AnswerTemplate, PendingUpload
from knowledge.models import Topic

TOO_MANY_FILES = ngettext_lazy(
    "You can attach at most %(max)d file.", "You can attach at most %(max)d files.", "max"
)
REASON_FOR_URGENCY = _("Say why the question is urgent.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files at once, each checked by its content (consultations.uploads)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        errors, checked = [], []
        max_bytes = settings.CONSULTATION_UPLOAD_MAX_MB * 1024 * 1024
        for upload in files:
            from consultations import uploads

            try:
                upload.checked = uploads.validate_upload(upload, max_bytes=max_bytes)
                checked.append(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            # The good files are kept by the view even when another one is refused.
            self.accepted = checked
            raise ValidationError(errors)
        return checked


class AttachmentsMixin(forms.Form):
    """A files field plus the files kept from an earlier attempt at the same form."""

    attachments = FilesField(
        label=_("Attachments"),
        help_text=format_lazy(
            _("PDF, DOCX, ODT, XLSX, ODS, PNG or JPEG, up to {mb} MB each."),
            mb=settings.CONSULTATION_UPLOAD_MAX_MB,
        ),
    )
    kept = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def kept_uploads(self) -> list[PendingUpload]:
        raw = self.data.get(self.add_prefix("kept"), "") if self.is_bound else ""
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit()]
        if not ids or self.owner is None:
            return []
        # Only the owner's own kept files count; anything else in the field is ignored.
        return list(PendingUpload.objects.filter(owner=self.owner, pk__in=ids).order_by("pk"))

    def removed_ids(self) -> set[int]:
        return (
            {int(v) for v in self.data.getlist(self.add_prefix("remove")) if v.isdigit()}
            if self.is_bound
            else set()
        )

    def clean(self):
        cleaned = super().clean()
        total = len(cleaned.get("attachments") or []) + len(self.kept_uploads()) - len(self.removed_ids())
        if total > settings.CONSULTATION_UPLOAD_MAX_FILES:
            self.add_error("attachments", TOO_MANY_FILES % {"max": settings.CONSULTATION_UPLOAD_MAX_FILES})
        return cleaned


class QuestionForm(AttachmentsMixin):
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—")] + list(Category.choices))
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("One sentence naming the problem; similar published answers are suggested as you type."),
    )
    question = forms.CharField(
        label=_("Your question"), widget=forms.Textarea(attrs={"rows": 10}), max_length=20000
    )
    provisions = forms.CharField(
        label=_("Related provisions"),
        max_length=300,
        required=False,
        help_text=_("E.g. art. 30 of the Act on the provision of social services by a CUS."),
    )
    urgent = forms.BooleanField(label=_("The question is urgent"), required=False)
    urgency_reason = forms.CharField(label=_("Why it is urgent"), max_length=300, required=False)
    consent_publish = forms.BooleanField(
        label=_(
            "I agree that the answer may be published after the municipality and personal data are removed"
        ),
        required=False,
    )
    privacy_accepted = forms.BooleanField(label=_("I have read the information clause on personal data"))

    field_order = [
        "category",
        "topics",
        "title",
        "question",
        "provisions",
        "urgent",
        "urgency_reason",
        "attachments",
        "consent_publish",
        "privacy_accepted",
    ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("urgent") and not (cleaned.get("urgency_reason") or "").strip():
            self.add_error("urgency_reason", REASON_FOR_URGENCY)
        return cleaned


class MessageForm(AttachmentsMixin):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)


class StaffMessageForm(MessageForm):
    internal = forms.BooleanField(
        label=_("Internal note (the requester does not see it)"), required=False, initial=True
    )


class AnswerForm(AttachmentsMixin):
    template = forms.ModelChoiceField(
        label=_("Start from a saved template"), queryset=AnswerTemplate.objects.all(), required=False
    )
    body = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=50000,
        help_text=_("Paragraphs are kept; simple formatting (bold, lists, links) is allowed."),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ExtendForm(ReasonForm):
    days = forms.IntegerField(label=_("By how many working days"), min_value=1, max_value=30)


class ReassignForm(ReasonForm):
    adviser = forms.ModelChoiceField(label=_("New assignee"), queryset=Adviser.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adviser"].queryset = Adviser.objects.filter(user__is_active=True).select_related("user")


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the answer? (1 – not at all, 5 – very)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CaseFilterForm(forms.Form):
    """Filters of the case list; every value comes from the query string."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("all"))] + list(Category.choices)
    )
    role = forms.ChoiceField(label=_("Pool"), required=False, choices=[("", _("all"))] + list(Role.choices))
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    q = forms.CharField(label=_("Number or title"), required=False, max_length=100)

    def __init__(self, *args, staff=True, **kwargs):
        from consultations.choices import Status

        super().__init__(*args, **kwargs)
        # Staff start from their open work; requesters from everything their municipality asked.
        first = [("", _("open")), ("all", _("all"))] if staff else [("", _("all"))]
        self.fields["status"].choices = first + list(Status.choices)
        if not staff:
            del self.fields["role"]


class KnowledgeDraftForm(forms.Form):
    title = forms.CharField(label=_("Title of the public page"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One or two sentences.")
    )
    question = forms.CharField(label=_("Question (anonymised)"), widget=forms.Textarea(attrs={"rows": 8}))
    answer = forms.CharField(label=_("Answer (anonymised)"), widget=forms.Textarea(attrs={"rows": 14}))
    provisions = forms.CharField(
        label=_("Legal basis"),
        required=False,
        max_length=300,
        help_text=_("E.g. art. 30 ust. 2; each article becomes a legal reference of the interpretation."),
    )
    reviewed = forms.BooleanField(
        label=_("I have checked that no personal data or municipality name remains")
    )
