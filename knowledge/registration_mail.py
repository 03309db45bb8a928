"""E-mails to registrants: an outbox row per e-mail, sent by the task queue after commit, retried until sent.

Registrants have no account, so unlike the desk's notices these are addressed to the e-mail given in the form.
A mail server outage only delays them; ``manage.py events_tick`` retries with growing pauses.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from knowledge.models import Registration, RegistrationEmail
from portal.outbox import DeliveryFields, deliveries_retry, delivery_attempt

Kind = RegistrationEmail.Kind

# Kinds that carry the event as an .ics attachment: the person now has a place.
WITH_CALENDAR = {Kind.CONFIRMED, Kind.PROMOTED, Kind.REMINDER}


def registration_url(registration: Registration) -> str:
    """The registrant's own page: status, details and cancellation."""
    from knowledge.registration import registration_token

    event = registration.event
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    path = event.reverse_subpage("registration", args=(registration_token(registration),))
    return f"{base}{event.get_url(current_site=event.get_site())}{path}"


def email_queue(
    registration: Registration, kind: str, *, now: datetime, subject: str = "", body: str = ""
) -> RegistrationEmail:
    """Record one e-mail and send it through the queue once the transaction commits."""
    from knowledge.tasks import registration_email_send_task

    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "event_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + event.get_url(current_site=event.get_site()),
        "registration_url": registration_url(registration),
        "message": body,
    }
    with translation.override(settings.LANGUAGE_CODE), timezone.override("Europe/Warsaw"):
        rendered = render_to_string(f"knowledge/mail/registration_{kind}.txt", context).strip()
    first_line, _, text = rendered.partition("\n")
    email = RegistrationEmail.objects.create(
        registration=registration,
        kind=kind,
        to=registration.email,
        subject=(subject or first_line).strip()[:200],
        body=text.strip(),
        attach_ics=kind in WITH_CALENDAR,
        created_at=now,
        next_attempt_at=now,
    )
    transaction.on_commit(lambda: registration_email_send_task.enqueue(email.pk))
    return email


def email_send(email_id: int, *, now: datetime | None = None) -> bool:
    """Send one e-mail; on failure record the error and when to try again. True once sent."""
    from knowledge.calendar import events_ics

    now = now or timezone.now()
    with transaction.atomic():
        email = (
            RegistrationEmail.objects.select_for_update(of=("self",))
            .select_related("registration__event")
            .filter(pk=email_id)
            .first()
        )
        if email is None or email.sent_at is not None or not email.to:
            return email is not None and email.sent_at is not None
        message = EmailMessage(email.subject, email.body, None, [email.to])
        if email.attach_ics:
            message.attach("wydarzenie.ics", events_ics([email.registration.event]), "text/calendar")
        return delivery_attempt(email, message.send, now=now, fields=DeliveryFields())


def emails_retry(*, now: datetime | None = None) -> tuple[int, int]:
    """Send e-mails due for another attempt; returns (sent, still failing)."""
    now = now or timezone.now()
    due = RegistrationEmail.objects.filter(
        sent_at__isnull=True, next_attempt_at__lte=now, attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS
    ).exclude(to="")
    return deliveries_retry(due.values_list("pk", flat=True), email_send, now=now)
