"""The consultation desk: people, routing rules, cases with their thread, history and audit trail."""

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consultations.choices import (
    INTERNAL_KINDS,
    OPEN_STATUSES,
    AccessAction,
    Category,
    MessageKind,
    OfficialStatus,
    Role,
    Status,
)
from knowledge.choices import Voivodeship

S = Status
STATUS_LABELS = dict(Status.choices)

# The one table of allowed status moves; services.consultation_transition refuses everything else.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.SUBMITTED: frozenset({S.ASSIGNED, S.REJECTED, S.WITHDRAWN}),
    S.ASSIGNED: frozenset({S.IN_PROGRESS, S.REJECTED, S.WITHDRAWN}),
    S.IN_PROGRESS: frozenset({S.AWAITING_INFO, S.ANSWERED, S.REJECTED, S.WITHDRAWN}),
    S.AWAITING_INFO: frozenset({S.IN_PROGRESS, S.WITHDRAWN}),
    S.ANSWERED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.IN_PROGRESS, S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
    S.REJECTED: frozenset(),
}


def private_storage():
    return storages["private"]


class Official(models.Model):
    """A municipal official's account: tied to one municipality, active once verified and approved."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official")
    municipality = models.ForeignKey(
        "knowledge.Municipality",
        on_delete=models.PROTECT,
        related_name="officials",
        verbose_name=_("municipality"),
    )
    position = models.CharField(_("position"), max_length=120)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OfficialStatus.choices, default=OfficialStatus.UNVERIFIED
    )
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipal official")
        verbose_name_plural = _("municipal officials")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.municipality})"

    @property
    def is_active_official(self) -> bool:
        return self.status == OfficialStatus.ACTIVE and self.user.is_active


class VerifiedDomain(models.Model):
    """An e-mail domain of a municipality's office; sign-ups from it need no coordinator approval."""

    municipality = models.ForeignKey(
        "knowledge.Municipality", on_delete=models.CASCADE, related_name="verified_domains"
    )
    domain = models.CharField(
        _("domain"),
        max_length=120,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9.-]+\.[a-z]{2,}$", _("Enter a domain such as gogolin.pl."))],
    )

    class Meta:
        ordering = ["domain"]
        verbose_name = _("verified e-mail domain")
        verbose_name_plural = _("verified e-mail domains")

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)


class Adviser(models.Model):
    """A lawyer or a social-services expert who answers consultations."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adviser")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    specialisations = models.ManyToManyField(
        "knowledge.Topic", blank=True, related_name="+", verbose_name=_("specialisations")
    )
    voivodeship = models.CharField(_("voivodeship"), max_length=30, choices=Voivodeship.choices, blank=True)
    conflicts = models.ManyToManyField(
        "knowledge.Municipality",
        blank=True,
        related_name="+",
        verbose_name=_("municipalities they must not handle"),
        help_text=_("Conflict of interest: cases from these municipalities are never routed to this person."),
    )
    case_limit = models.PositiveIntegerField(
        _("limit of open cases"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    active = models.BooleanField(_("takes new cases"), default=True)
    last_assigned_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("adviser")
        verbose_name_plural = _("advisers")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class Absence(models.Model):
    adviser = models.ForeignKey(Adviser, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    substitute = models.ForeignKey(
        Adviser,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitutions",
        verbose_name=_("substitute"),
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="absence_end_after_start"),
            models.CheckConstraint(
                condition=~Q(substitute=models.F("adviser")), name="absence_substitute_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.adviser}: {self.start}–{self.end}"


class RoutingRule(models.Model):
    """Category → pool, with optional topic and voivodeship preferences; the most specific rule wins."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    pool = models.CharField(_("pool"), max_length=10, choices=Role.choices)
    topic = models.ForeignKey(
        "knowledge.Topic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred topic"),
    )
    voivodeship = models.CharField(
        _("preferred voivodeship"), max_length=30, choices=Voivodeship.choices, blank=True
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100, help_text=_("Lower goes first."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["priority", "category"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return f"{self.get_category_display()} → {self.get_pool_display()}"


class CategoryPolicy(models.Model):
    """Per-category answer deadline in working days."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices, unique=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (working days)"), validators=[MinValueValidator(1), MaxValueValidator(90)]
    )

    class Meta:
        ordering = ["category"]
        verbose_name = _("category deadline")
        verbose_name_plural = _("category deadlines")

    def __str__(self):
        return f"{self.get_category_display()}: {self.deadline_days}"


class PrivacyClause(models.Model):
    """The RODO information clause shown on the question form; every case stores the version it was shown."""

    version = models.CharField(_("version"), max_length=20, unique=True)
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("in force from"))

    class Meta:
        ordering = ["-published_at"]
        get_latest_by = "published_at"
        verbose_name = _("privacy clause")
        verbose_name_plural = _("privacy clauses")

    def __str__(self):
        return self.version


class AnswerTemplate(models.Model):
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("text"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self):
        return self.title


class Consultation(models.Model):
    """One question from a municipality, tracked to an answer within a deadline."""

    year = models.PositiveSmallIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    municipality = models.ForeignKey(
        "knowledge.Municipality", on_delete=models.PROTECT, related_name="consultations"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="consultations"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    topics = models.ManyToManyField("knowledge.Topic", blank=True, related_name="+", verbose_name=_("topics"))
    title = models.CharField(_("title"), max_length=200)
    question = models.TextField(_("question"))
    provisions = models.CharField(_("related provisions"), max_length=300, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    urgency_reason = models.CharField(_("why it is urgent"), max_length=300, blank=True)
    consent_publish = models.BooleanField(_("consent to publish an anonymised answer"), default=False)
    privacy_clause = models.ForeignKey(PrivacyClause, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    assignee = models.ForeignKey(
        Adviser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("assignee"),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    due_date = models.DateField(_("due date"))
    # Set while awaiting information: the clock stops and the due date moves on when it restarts.
    paused_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, help_text="Sanitised HTML.")
    answered_by = models.ForeignKey(
        Adviser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating_comment = models.TextField(_("comment on the answer"), blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    escalated_on = models.DateField(null=True, blank=True, editable=False)
    knowledge_page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="consultation_unique_year_sequence"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="consultation_rating_1_5",
            ),
            models.CheckConstraint(
                condition=Q(urgent=False) | ~Q(urgency_reason=""), name="consultation_urgency_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # An adviser's open work by deadline, as the case list counts and pages it.
            models.Index(
                fields=["assignee", "due_date", "id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="consultation_open_by_assignee",
            ),
        ]

    def __str__(self):
        return f"{self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("consultation_detail", kwargs={"year": self.year, "seq": self.seq})

    @property
    def seq(self) -> str:
        return f"{self.sequence:05d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    @property
    def status_label(self) -> str:
        """get_status_display() without rebuilding the choices on every call (lists show it per row)."""
        return STATUS_LABELS.get(self.status, self.status)


class Message(models.Model):
    """One entry of a case's thread; internal notes are never shown to the requester."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    body = models.TextField(help_text="Plain text, or sanitised HTML for answers.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]  # written under the case's row lock: ids follow the real order

    def __str__(self):
        return f"{self.consultation.number} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def internal(self) -> bool:
        return self.kind in INTERNAL_KINDS


def attachment_path(instance, filename):
    return f"consultations/{instance.consultation.year}/{instance.consultation.sequence:05d}/{filename}"


class Attachment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]  # written under the case's row lock: ids follow the real order

    def __str__(self):
        return self.name


class StatusChange(models.Model):
    """The history row every status move writes: who, when, from, to, and why."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]  # written under the case's row lock: ids follow the real order

    def __str__(self):
        return f"{self.consultation.number}: {self.from_status} → {self.to_status}"


class Assignment(models.Model):
    """Who a case went to and why: the rule, every candidate and the reason each was skipped or chosen."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="assignments")
    adviser = models.ForeignKey(Adviser, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the routing assigned it.",
    )
    reason = models.TextField(blank=True)
    explanation = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]  # written under the case's row lock: ids follow the real order

    def __str__(self):
        return f"{self.consultation.number} → {self.adviser or '—'}"


class Notification(models.Model):
    """A notice for one person: listed in the portal at once, e-mailed by the queue with retries."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    event = models.CharField(max_length=40)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["email_sent_at", "next_attempt_at"])]

    def __str__(self):
        return self.subject


class AccessLog(models.Model):
    """Audit trail of staff reading and changing case data."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="access_log")
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.user} {self.action} {self.consultation.number}"


class PendingUpload(models.Model):
    """A checked file attached to a form that has not been accepted yet, so a re-shown form keeps it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="pending/%Y/%m/", storage=private_storage, max_length=300)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.name


class CaseCounter(models.Model):
    """The last case number given in a year; its row lock makes numbering strictly sequential."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"
