"""Who hears about what: each case event becomes in-portal notices at once and e-mails after commit.

E-mails go through the task queue; a failure is recorded on the notice and retried with growing pauses by
``manage.py consultations_tick``, so a mail server outage never loses or blocks a case.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consultations.models import Consultation, Notification
from consultations.selectors import COORDINATORS_GROUP
from portal.outbox import DeliveryFields, deliveries_retry, delivery_attempt

REQUESTER, ASSIGNEE, COORDINATORS, PREVIOUS_ASSIGNEE = "requester", "assignee", "coordinators", "previous"
# A notice is shown in the portal at once; these fields follow its e-mail.
EMAIL_FIELDS = DeliveryFields(attempts="email_attempts", error="email_error", sent_at="email_sent_at")

# event -> who hears of it; the text lives in templates/consultations/mail/<event>.txt (subject on line one).
RECIPIENTS: dict[str, tuple[str, ...]] = {
    "submitted": (REQUESTER,),
    "queued": (COORDINATORS,),
    "assigned": (ASSIGNEE,),
    "reassigned": (ASSIGNEE, PREVIOUS_ASSIGNEE),
    "info_requested": (REQUESTER,),
    "info_provided": (ASSIGNEE,),
    "message_to_requester": (REQUESTER,),
    "message_from_requester": (ASSIGNEE,),
    "answered": (REQUESTER,),
    "extended": (REQUESTER,),
    "reopened": (ASSIGNEE,),
    "accepted": (ASSIGNEE,),
    "auto_closed": (REQUESTER, ASSIGNEE),
    "rated": (ASSIGNEE,),
    "rejected": (REQUESTER,),
    "withdrawn": (ASSIGNEE,),
    "reminder": (ASSIGNEE,),
    "overdue": (COORDINATORS, ASSIGNEE),
    "reassignment_requested": (COORDINATORS,),
}


def coordinators():
    users = get_user_model().objects.filter(is_active=True)
    return list(users.filter(groups__name=COORDINATORS_GROUP).distinct()) or list(
        users.filter(is_superuser=True)
    )


def recipients_for(event: str, consultation: Consultation, *, previous=None, actor=None) -> list:
    people = []
    for who in RECIPIENTS[event]:
        if who == REQUESTER and consultation.requester is not None:
            people.append(consultation.requester)
        elif who == ASSIGNEE and consultation.assignee is not None:
            people.append(consultation.assignee.user)
        elif who == PREVIOUS_ASSIGNEE and previous is not None:
            people.append(previous.user)
        elif who == COORDINATORS:
            people.extend(coordinators())
    unique = []
    for person in people:
        # Nobody is told about their own action.
        if person not in unique and person != actor and person.is_active:
            unique.append(person)
    return unique


def notify(
    event: str, consultation: Consultation, *, actor=None, previous=None, extra=None
) -> list[Notification]:
    """Record the notices of one event and queue their e-mails for after the transaction commits."""
    from consultations.tasks import notification_send_task

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    now = timezone.now()
    created = []
    for recipient in recipients_for(event, consultation, previous=previous, actor=actor):
        context = {
            "consultation": consultation,
            "recipient": recipient,
            "actor": actor,
            "url": base + consultation.get_absolute_url(),
            "window": settings.CONSULTATION_AUTO_CLOSE_DAYS,
            **(extra or {}),
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject, _, body = (
                render_to_string(f"consultations/mail/{event}.txt", context).strip().partition("\n")
            )
        created.append(
            Notification.objects.create(
                recipient=recipient,
                consultation=consultation,
                event=event,
                subject=subject.strip()[:200],
                body=body.strip(),
                created_at=now,
                next_attempt_at=now,
            )
        )
    ids = [n.pk for n in created if n.recipient.email]
    for pk in ids:
        transaction.on_commit(lambda pk=pk: notification_send_task.enqueue(pk))
    return created


def notification_send(notification_id: int, *, now=None) -> bool:
    """E-mail one notice; on failure record the error and when to try again. True once sent."""
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.email_sent_at is not None or not notification.recipient.email:
            return notification is not None and notification.email_sent_at is not None
        return delivery_attempt(
            notification,
            lambda: send_mail(notification.subject, notification.body, None, [notification.recipient.email]),
            now=now,
            fields=EMAIL_FIELDS,
        )


def notifications_retry(*, now=None) -> tuple[int, int]:
    """Send notices whose e-mail is due for another attempt; returns (sent, still failing)."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        email_sent_at__isnull=True,
        next_attempt_at__lte=now,
        email_attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
    ).exclude(recipient__email="")
    return deliveries_retry(due.values_list("pk", flat=True), notification_send, now=now)
