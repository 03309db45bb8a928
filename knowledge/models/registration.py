"""Registrations for events, their history and the outbox of e-mails sent to registrants."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from knowledge.choices import RegistrationStatus

# The one table of allowed moves; knowledge.registration.registration_transition checks it.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    RegistrationStatus.SUBMITTED: frozenset(
        {
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.WAITLISTED,
            RegistrationStatus.REJECTED,
            RegistrationStatus.CANCELLED,
        }
    ),
    RegistrationStatus.WAITLISTED: frozenset(
        {RegistrationStatus.CONFIRMED, RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED}
    ),
    RegistrationStatus.CONFIRMED: frozenset({RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED}),
    # An organiser may change their mind about a rejection while there is a place.
    RegistrationStatus.REJECTED: frozenset({RegistrationStatus.CONFIRMED}),
    RegistrationStatus.CANCELLED: frozenset(),
}

# Registrations that count against the municipality limit and block a second registration of one address.
ACTIVE_STATUSES = (RegistrationStatus.SUBMITTED, RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


class Registration(models.Model):
    """One person's registration for one event; personal data is blanked after the retention period."""

    event = models.ForeignKey(
        "knowledge.EventPage", on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.SUBMITTED
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    institution = models.CharField(_("institution"), max_length=200)
    position = models.CharField(_("position"), max_length=120)
    # Kept after anonymisation: it is not personal data and the per-municipality statistics need it.
    municipality = models.ForeignKey(
        "knowledge.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("municipality"),
    )
    email = models.EmailField(_("e-mail address"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    answers = models.JSONField(_("answers to extra questions"), default=list, blank=True)
    privacy_clause = models.TextField(_("information clause agreed to"))
    created_at = models.DateTimeField(_("registered at"), db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # One live registration per address and event; a cancelled one may register again.
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=~Q(status=RegistrationStatus.CANCELLED) & Q(anonymised_at__isnull=True),
                name="registration_one_per_email",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values), name="registration_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name} ({self.get_status_display()})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class RegistrationChange(models.Model):
    """Every status move of a registration: who, when, from and to."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


class RegistrationEmail(models.Model):
    """An e-mail to a registrant, sent by the task queue after commit and retried until it goes out."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("receipt")
        CONFIRMED = "confirmed", _("confirmation")
        WAITLISTED = "waitlisted", _("waiting list")
        REJECTED = "rejected", _("rejection")
        PROMOTED = "promoted", _("promotion from the waiting list")
        REMINDER = "reminder", _("reminder")
        MESSAGE = "message", _("message from the organiser")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # Confirmations carry the event as an .ics file, built when sent so it shows the event as it is then.
    attach_ics = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self):
        return self.subject
