"""Who hears about what: each case event becomes in-portal notices at once and e-mails after commit.

E-mails go through the task queue; a failure is recorded on the notice and retried with growing pauses by
``manage.py consultations_tick``, so a mail server outage never loses or blocks a case.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from consultations.models import Consultation, Notification
from consultations.selectors import COORDINATORS_GROUP

logger = logging.getLogger(__name__)

REQUESTER, ASSIGNEE, COORDINATORS, PREVIOUS_ASSIGNEE = "requester", "assignee", "coordinators", "previous"

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


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


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
        notification.email_attempts += 1
        try:
            send_mail(notification.subject, notification.body, None, [notification.recipient.email])
        except Exception as error:  # any transport failure: keep the notice and try later
            logger.warning("E-mail for notification %s failed: %s", notification.pk, error)
            notification.email_error = str(error)[:300]
            notification.next_attempt_at = now + retry_delay(notification.email_attempts)
            notification.save(update_fields=["email_attempts", "email_error", "next_attempt_at"])
            return False
        notification.email_sent_at = now
        notification.email_error = ""
        notification.next_attempt_at = None
        notification.save(update_fields=["email_attempts", "email_error", "email_sent_at", "next_attempt_at"])
        return True


def notifications_retry(*, now=None) -> tuple[int, int]:
    """Send notices whose e-mail is due for another attempt; returns (sent, still failing)."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        email_sent_at__isnull=True,
        next_attempt_at__lte=now,
        email_attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS,
    ).exclude(recipient__email="")
    sent = failed = 0
    for pk in due.values_list("pk", flat=True):
        if notification_send(pk, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed
