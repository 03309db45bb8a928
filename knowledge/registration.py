"""Registration for events: the rules, the state machine, the waiting list, reminders and anonymisation.

Every write locks the event's row first, so seat counts, the municipality limit and the one-address rule are
checked and changed by one transaction at a time, however many people register at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from knowledge import registration_mail as mail
from knowledge.choices import RegistrationApproval, RegistrationStatus
from knowledge.models import EventPage, Municipality, Registration, RegistrationChange
from knowledge.models.registration import ACTIVE_STATUSES, ALLOWED_TRANSITIONS

logger = logging.getLogger(__name__)

Status = RegistrationStatus
Kind = mail.Kind

CLOSED = _("Registration for this event is closed.")
DEADLINE_PASSED = _("The registration deadline has passed.")
FULL = _("All places are taken and there is no waiting list.")
ALREADY_REGISTERED = _(
    "This e-mail address is already registered for this event. The e-mail we sent has a link to check or "
    "cancel that registration."
)
MUNICIPALITY_FULL = _("Your municipality has already used all its places (%(limit)s) at this event.")
NO_FREE_PLACE = _("There is no free place for %(name)s. Reject or cancel another registration first.")
MOVE_NOT_ALLOWED = _("A registration that is %(status)s cannot be changed like that.")
EVENT_STARTED = _("The event has already started, so the registration can no longer be changed.")

TOKEN_SALT = "knowledge.registration"

# Sent after every status move: registration, from_status, actor.
registration_changed = Signal()


class RegistrationRefused(Exception):
    """A rule stopped the action; ``message`` is for the user, ``field`` the form field it concerns."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


@dataclass(frozen=True, kw_only=True)
class Registrant:
    """What a person gives in the registration form."""

    first_name: str
    last_name: str
    institution: str
    position: str
    municipality: Municipality
    email: str
    phone: str = ""
    accessibility_needs: str = ""
    answers: list[dict] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------------


def registration_deadline(event: EventPage) -> datetime:
    """Registration closes at the deadline, or when the event starts if it has none."""
    return event.registration_deadline or event.start


def registration_closed_reason(event: EventPage, *, now: datetime) -> str | None:
    """Why nobody can register now, or None while registration is open."""
    if not event.registration_enabled or not event.live:
        return CLOSED
    if now >= registration_deadline(event):
        return DEADLINE_PASSED
    return None


def days_left(event: EventPage, *, now: datetime) -> int:
    """Whole calendar days (Warsaw) from today to the day registration closes; 0 on the last day."""
    closes = timezone.localtime(registration_deadline(event)).date()
    return max((closes - timezone.localdate(now)).days, 0)


def seats_taken(event: EventPage) -> int:
    return event.registrations.filter(status=Status.CONFIRMED).count()


def seats_left(event: EventPage) -> int | None:
    """Free places, or None for an event without a limit."""
    if event.capacity is None:
        return None
    return max(event.capacity - seats_taken(event), 0)


def _signature(pk: int) -> str:
    return salted_hmac(TOKEN_SALT, str(pk), algorithm="sha256").hexdigest()[:40]


def registration_token(registration: Registration) -> str:
    """The secret in a registrant's link to see or cancel their registration.

    Letters, digits and a hyphen only: Wagtail serves page URLs made of those.
    """
    return f"{registration.pk}-{_signature(registration.pk)}"


def registration_by_token(event: EventPage, token: str) -> Registration | None:
    """The registration a link was made for, or None for a forged link, another event or erased data."""
    pk, _sep, signature = token.partition("-")
    if not pk.isdigit() or not constant_time_compare(signature, _signature(int(pk))):
        return None
    return Registration.objects.filter(pk=pk, event_id=event.pk, anonymised_at__isnull=True).first()


def per_municipality(event: EventPage) -> list[dict]:
    """Registrations of an event per municipality and status, most registrations first."""
    rows: dict[int, dict] = {}
    registrations = event.registrations.select_related("municipality").only(
        "status", "municipality__name", "municipality__voivodeship"
    )
    for registration in registrations:
        row = rows.setdefault(
            registration.municipality_id,
            {"municipality": registration.municipality, "total": 0, **{s: 0 for s in Status.values}},
        )
        row[registration.status] += 1
        row["total"] += 1
    return sorted(rows.values(), key=lambda r: (-r["total"], r["municipality"].name))


# --- changing ------------------------------------------------------------------------------------


def _lock_event(event_id: int) -> EventPage:
    # of=("self",): lock only the event's own row, not the joined wagtailcore_page row.
    return EventPage.objects.select_for_update(of=("self",)).get(pk=event_id)


def _move(registration: Registration, to: str, *, actor=None, now: datetime) -> None:
    """Check the move against the table, save it, record it, log it and announce it."""
    previous = registration.status
    if to not in ALLOWED_TRANSITIONS[previous]:
        raise RegistrationRefused(MOVE_NOT_ALLOWED % {"status": registration.get_status_display()})
    registration.status = to
    fields = ["status"]
    if to in (Status.CONFIRMED, Status.REJECTED):
        registration.decided_at = now
        fields.append("decided_at")
    elif to == Status.CANCELLED:
        registration.cancelled_at = now
        fields.append("cancelled_at")
    registration.save(update_fields=fields)
    RegistrationChange.objects.create(
        registration=registration, from_status=previous, to_status=to, actor=actor, at=now
    )
    logger.info("Registration %s: %s -> %s", registration.pk, previous, to)
    registration_changed.send(Registration, registration=registration, from_status=previous, actor=actor)


def _has_free_place(event: EventPage) -> bool:
    return event.capacity is None or seats_taken(event) < event.capacity


@transaction.atomic
def registration_submit(
    *, event: EventPage, registrant: Registrant, now: datetime | None = None
) -> Registration:
    """Register a person: confirmed, awaiting the organiser, or waitlisted; raises RegistrationRefused."""
    now = now or timezone.now()
    event = _lock_event(event.pk)
    reason = registration_closed_reason(event, now=now)
    if reason:
        raise RegistrationRefused(reason)
    email = registrant.email.strip().lower()
    live = event.registrations.exclude(status=Status.CANCELLED).filter(anonymised_at__isnull=True)
    if live.filter(email=email).exists():
        raise RegistrationRefused(ALREADY_REGISTERED, field="email")
    limit = event.places_per_municipality
    if limit is not None:
        active = event.registrations.filter(status__in=ACTIVE_STATUSES, municipality=registrant.municipality)
        if active.count() >= limit:
            raise RegistrationRefused(MUNICIPALITY_FULL % {"limit": limit}, field="municipality")
    if not _has_free_place(event):
        if not event.waiting_list:
            raise RegistrationRefused(FULL)
        target = Status.WAITLISTED
    elif event.approval == RegistrationApproval.AUTOMATIC:
        target = Status.CONFIRMED
    else:
        target = Status.SUBMITTED
    try:
        # A savepoint: the database's one-address constraint is the last word if the check above was raced.
        with transaction.atomic():
            registration = Registration.objects.create(
                event=event,
                status=Status.SUBMITTED,
                first_name=registrant.first_name.strip(),
                last_name=registrant.last_name.strip(),
                institution=registrant.institution.strip(),
                position=registrant.position.strip(),
                municipality=registrant.municipality,
                email=email,
                phone=registrant.phone.strip(),
                accessibility_needs=registrant.accessibility_needs.strip(),
                answers=registrant.answers,
                privacy_clause=event.privacy_clause,
                created_at=now,
            )
    except IntegrityError as error:
        raise RegistrationRefused(ALREADY_REGISTERED, field="email") from error
    RegistrationChange.objects.create(registration=registration, to_status=Status.SUBMITTED, at=now)
    if target != Status.SUBMITTED:
        _move(registration, target, now=now)
    mail.email_queue(
        registration,
        {
            Status.SUBMITTED: Kind.RECEIPT,
            Status.CONFIRMED: Kind.CONFIRMED,
            Status.WAITLISTED: Kind.WAITLISTED,
        }[target],
        now=now,
    )
    return registration


def _promote(event: EventPage, *, now: datetime) -> list[Registration]:
    """Fill free places from the waiting list in order of registration, and tell each person."""
    promoted = []
    if event.start <= now:
        return promoted
    waiting = event.registrations.filter(status=Status.WAITLISTED).order_by("created_at", "pk")
    while _has_free_place(event):
        first = waiting.first()
        if first is None:
            break
        _move(first, Status.CONFIRMED, now=now)
        mail.email_queue(first, Kind.PROMOTED, now=now)
        promoted.append(first)
    return promoted


@transaction.atomic
def registrations_decide(
    *, event: EventPage, ids: list[int], confirm: bool, actor, now: datetime | None = None
) -> tuple[int, list[str]]:
    """The organiser confirms or rejects registrations; returns how many changed and why others did not."""
    now = now or timezone.now()
    event = _lock_event(event.pk)
    target = Status.CONFIRMED if confirm else Status.REJECTED
    changed, problems = 0, []
    freed = False
    for registration in event.registrations.filter(pk__in=ids, anonymised_at__isnull=True).order_by(
        "created_at", "pk"
    ):
        if registration.status == target:
            continue
        if confirm and not _has_free_place(event):
            problems.append(str(NO_FREE_PLACE % {"name": registration.full_name}))
            continue
        was_confirmed = registration.status == Status.CONFIRMED
        try:
            _move(registration, target, actor=actor, now=now)
        except RegistrationRefused as refused:
            problems.append(f"{registration.full_name}: {refused.message}")
            continue
        mail.email_queue(registration, Kind.CONFIRMED if confirm else Kind.REJECTED, now=now)
        freed = freed or was_confirmed
        changed += 1
    if freed:
        _promote(event, now=now)
    return changed, problems


@transaction.atomic
def registration_cancel(*, registration: Registration, now: datetime | None = None) -> Registration:
    """The participant cancels through their link; a place they held goes to the waiting list."""
    now = now or timezone.now()
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if event.start <= now:
        raise RegistrationRefused(EVENT_STARTED)
    was_confirmed = registration.status == Status.CONFIRMED
    _move(registration, Status.CANCELLED, now=now)
    if was_confirmed:
        _promote(event, now=now)
    return registration


def registrations_promote(*, now: datetime | None = None) -> int:
    """Fill places freed by a larger capacity; the periodic command runs it for upcoming events."""
    now = now or timezone.now()
    count = 0
    event_ids = (
        Registration.objects.filter(status=Status.WAITLISTED, event__start__gt=now)
        .values_list("event_id", flat=True)
        .distinct()
    )
    for event_id in list(event_ids):
        with transaction.atomic():
            count += len(_promote(_lock_event(event_id), now=now))
    return count


def registrations_message(
    *, event: EventPage, subject: str, body: str, actor, now: datetime | None = None
) -> int:
    """The organiser e-mails every confirmed participant; returns how many e-mails were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        confirmed = list(event.registrations.filter(status=Status.CONFIRMED, anonymised_at__isnull=True))
        for registration in confirmed:
            mail.email_queue(registration, Kind.MESSAGE, now=now, subject=subject, body=body)
    logger.info("User %s e-mailed %s participants of event %s", actor.pk, len(confirmed), event.pk)
    return len(confirmed)


def registrations_remind(*, now: datetime | None = None) -> int:
    """Remind confirmed participants of events starting tomorrow (Warsaw) or later today; once each."""
    now = now or timezone.now()
    day_after_tomorrow = timezone.localdate(now) + timedelta(days=2)
    until = timezone.make_aware(datetime.combine(day_after_tomorrow, time.min))
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        anonymised_at__isnull=True,
        event__live=True,
        event__start__gt=now,
        event__start__lt=until,
    )
    count = 0
    for registration in due.select_related("event"):
        with transaction.atomic():
            # Marked in the same transaction as the e-mail is queued: a second run never reminds twice.
            updated = Registration.objects.filter(pk=registration.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if updated:
                mail.email_queue(registration, Kind.REMINDER, now=now)
                count += 1
    return count


@transaction.atomic
def registrations_anonymise(*, now: datetime | None = None) -> int:
    """Blank the personal data of registrations for events that ended the retention period ago.

    The rows stay, with status, municipality and dates, so the numbers per event and municipality remain.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EVENT_REGISTRATION_RETENTION_DAYS)
    expired = Registration.objects.filter(anonymised_at__isnull=True, event__end__lt=cutoff)
    ids = list(expired.values_list("pk", flat=True))
    mail.RegistrationEmail.objects.filter(registration_id__in=ids).delete()
    return Registration.objects.filter(pk__in=ids).update(
        first_name="",
        last_name="",
        institution="",
        position="",
        email="",
        phone="",
        accessibility_needs="",
        answers=[],
        anonymised_at=now,
    )
