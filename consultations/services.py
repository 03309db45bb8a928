"""Every change to a consultation: check who may act, change under a row lock, record history, notify.

Views, commands and tasks call these functions only. Each takes ``now=`` so tests need no clock tricks.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations import notifications, routing
from consultations.choices import CLOCK_STATUSES, OPEN_STATUSES, AccessAction, Category, MessageKind, Status
from consultations.models import (
    ALLOWED_TRANSITIONS,
    AccessLog,
    Adviser,
    Assignment,
    Attachment,
    CaseCounter,
    CategoryPolicy,
    Consultation,
    Message,
    PendingUpload,
    PrivacyClause,
    StatusChange,
)
from consultations.selectors import viewer_for
from consultations.workdays import add_working_days, local_date, working_days_between
from portal.html import clean_html

logger = logging.getLogger(__name__)

consultation_status_changed = Signal()  # sender=Consultation, consultation, from_status, to_status, actor

DEFAULT_DEADLINE_DAYS = {Category.LEGAL: 14}
OTHER_DEADLINE_DAYS = 10
MAX_EXTENSION_DAYS = 30

REFUSED_TRANSITION = gettext_lazy("A case that is “%(current)s” cannot become “%(target)s”.")
NOT_PERMITTED = gettext_lazy("You cannot do this on this case.")
NOT_ACTIVE_OFFICIAL = gettext_lazy("Only an approved official of a municipality can ask a question.")
REOPEN_TOO_LATE = gettext_lazy("A case can be reopened only within %(days)s days of the answer.")
EXTENSION_RANGE = gettext_lazy("An extension is from 1 to %(max)s working days.")
REASON_REQUIRED = gettext_lazy("Give a reason.")
NOT_ELIGIBLE = gettext_lazy("%(name)s cannot take this case: %(why)s")
TEXT_REQUIRED = gettext_lazy("Write a message.")
CONFLICT = gettext_lazy("a conflict of interest with the municipality")


class ActionRefused(Exception):
    """A move that the rules do not allow; the message is shown to the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


# --- helpers ---


def _now(now):
    return now or timezone.now()


def _locked(consultation: Consultation) -> Consultation:
    """Re-read the case under a row lock (PostgreSQL) so two people cannot make conflicting moves."""
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("assignee__user", "requester", "municipality")
        .get(pk=consultation.pk)
    )


def deadline_days(category: str) -> int:
    policy = CategoryPolicy.objects.filter(category=category).first()
    if policy is not None:
        return policy.deadline_days
    return DEFAULT_DEADLINE_DAYS.get(category, OTHER_DEADLINE_DAYS)


def _is_requester_side(user, consultation: Consultation) -> bool:
    return viewer_for(user).municipality_id == consultation.municipality_id


def _is_assignee(user, consultation: Consultation) -> bool:
    adviser = viewer_for(user).adviser
    return adviser is not None and consultation.assignee_id == adviser.pk


def _is_coordinator(user) -> bool:
    return viewer_for(user).coordinator


def _require(allowed: bool) -> None:
    if not allowed:
        raise ActionRefused(NOT_PERMITTED)


def _transition(consultation: Consultation, *, to_status: str, actor, comment: str = "", now) -> None:
    """The one place a status changes: check the table, save, write the history row, send the signal."""
    from_status = consultation.status
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        raise ActionRefused(
            REFUSED_TRANSITION % {"current": Status(from_status).label, "target": Status(to_status).label}
        )
    fields = ["status", "updated_at"]
    if to_status == Status.AWAITING_INFO:
        consultation.paused_at = now
        fields.append("paused_at")
    elif from_status == Status.AWAITING_INFO and consultation.paused_at is not None:
        paused = working_days_between(local_date(consultation.paused_at), local_date(now))
        consultation.due_date = add_working_days(consultation.due_date, max(paused, 0))
        consultation.paused_at = None
        fields += ["paused_at", "due_date"]
    if to_status in (Status.CLOSED, Status.REJECTED, Status.WITHDRAWN):
        consultation.closed_at = now
        fields.append("closed_at")
    consultation.status = to_status
    consultation.save(update_fields=fields)
    StatusChange.objects.create(
        consultation=consultation,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        created_at=now,
    )
    if actor is not None and viewer_for(actor).staff:
        AccessLog.objects.create(
            user=actor,
            consultation=consultation,
            action=AccessAction.CHANGE,
            detail=f"{from_status}→{to_status}",
        )
    logger.info("Consultation %s: %s → %s", consultation.number, from_status, to_status)
    consultation_status_changed.send(
        sender=Consultation,
        consultation=consultation,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
    )


def _start_if_needed(consultation: Consultation, *, actor, now) -> None:
    """An assignee's first action on an assigned or reopened case puts it in progress."""
    if consultation.status in (Status.ASSIGNED, Status.REOPENED):
        _transition(consultation, to_status=Status.IN_PROGRESS, actor=actor, now=now)


def _add_message(consultation, *, author, kind, body, files=(), internal=False, now) -> Message:
    message = Message.objects.create(
        consultation=consultation, author=author, kind=kind, body=body, created_at=now
    )
    for pending in files:
        attachment_add(
            consultation=consultation, pending=pending, user=author, message=message, internal=internal
        )
    return message


def pending_upload_store(*, owner, upload) -> PendingUpload:
    """Keep a checked file (``upload.checked`` from consultations.uploads) until its form is accepted."""
    checked = upload.checked
    pending = PendingUpload(
        owner=owner, name=checked.filename, content_type=checked.content_type, size=upload.size
    )
    upload.seek(0)
    pending.file.save(checked.filename, upload, save=False)
    pending.save()
    return pending


def attachment_add(*, consultation, pending: PendingUpload, user, message=None, internal=False) -> Attachment:
    """Turn a kept upload into a case file; the stored file itself stays where it is."""
    attachment = Attachment.objects.create(
        consultation=consultation,
        message=message,
        file=pending.file.name,
        name=pending.name,
        content_type=pending.content_type,
        size=pending.size,
        uploaded_by=user,
        internal=internal,
    )
    pending.delete()
    return attachment


# --- submitting and routing ---


def _next_number(year: int) -> int:
    """The next sequence number of the year, taken under a row lock so simultaneous submissions queue up."""
    existing = Consultation.objects.filter(year=year).aggregate(n=Max("sequence"))["n"] or 0
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(year=year, defaults={"last": existing})
    counter.last = max(counter.last, existing) + 1
    counter.save(update_fields=["last"])
    return counter.last


def consultation_submit(
    *,
    requester,
    category: str,
    title: str,
    question: str,
    topics=(),
    provisions: str = "",
    urgent: bool = False,
    urgency_reason: str = "",
    consent_publish: bool = False,
    privacy_clause: PrivacyClause,
    files=(),
    now=None,
) -> Consultation:
    """File a question from an approved official, number it, route it and send the receipt."""
    now = _now(now)
    viewer = viewer_for(requester)
    if viewer.municipality_id is None:
        raise ActionRefused(NOT_ACTIVE_OFFICIAL)
    year = local_date(now).year
    with transaction.atomic():
        sequence = _next_number(year)
        consultation = Consultation.objects.create(
            year=year,
            sequence=sequence,
            number=f"KONS/{year}/{sequence:05d}",
            municipality_id=viewer.municipality_id,
            requester=requester,
            category=category,
            title=title.strip(),
            question=question.strip(),
            provisions=provisions.strip(),
            urgent=urgent,
            urgency_reason=urgency_reason.strip() if urgent else "",
            consent_publish=consent_publish,
            privacy_clause=privacy_clause,
            submitted_at=now,
            due_date=add_working_days(local_date(now), deadline_days(category)),
        )
        consultation.topics.set(topics)
        for pending in files:
            attachment_add(consultation=consultation, pending=pending, user=requester)
        StatusChange.objects.create(
            consultation=consultation,
            actor=requester,
            from_status="",
            to_status=Status.SUBMITTED,
            created_at=now,
        )
        notifications.notify("submitted", consultation)
        consultation_route(consultation=consultation, now=now)
    consultation.refresh_from_db()
    return consultation


def _routing_people(consultation: Consultation, *, today) -> list[routing.Person]:
    from consultations.selectors import adviser_open_counts

    counts = adviser_open_counts()
    advisers = Adviser.objects.filter(active=True, user__is_active=True).select_related("user")
    advisers = advisers.prefetch_related("specialisations", "conflicts", "absences")
    people = []
    for adviser in advisers:
        absence = next((a for a in adviser.absences.all() if a.start <= today <= a.end), None)
        people.append(
            routing.Person(
                id=adviser.pk,
                name=adviser.name,
                role=adviser.role,
                topics=frozenset(t.slug for t in adviser.specialisations.all()),
                voivodeship=adviser.voivodeship,
                conflicted_municipality_ids=frozenset(m.pk for m in adviser.conflicts.all()),
                absent=absence is not None,
                substitute_id=absence.substitute_id if absence is not None else None,
                open_cases=counts.get(adviser.pk, 0),
                open_case_limit=adviser.case_limit,
                last_assigned_at=adviser.last_assigned_at,
            )
        )
    return people


def _routing_rules() -> list[routing.Rule]:
    from consultations.models import RoutingRule

    return [
        routing.Rule(
            id=rule.pk,
            category=rule.category,
            pool=rule.pool,
            topic=rule.topic.slug if rule.topic_id else None,
            voivodeship=rule.voivodeship or None,
            priority=rule.priority,
        )
        for rule in RoutingRule.objects.filter(active=True).select_related("topic")
    ]


def routing_decision(consultation: Consultation, *, now=None) -> routing.Decision:
    """What the routing would decide for this case now (also shown to the coordinator)."""
    now = _now(now)
    case = routing.CaseFacts(
        category=consultation.category,
        topics=frozenset(consultation.topics.values_list("slug", flat=True)),
        municipality_id=consultation.municipality_id,
        voivodeship=consultation.municipality.voivodeship,
    )
    return routing.route(
        case, rules=_routing_rules(), people=_routing_people(consultation, today=local_date(now))
    )


def consultation_route(*, consultation: Consultation, now=None) -> Assignment:
    """Assign a submitted case by the routing rules, or leave it in the coordinator's queue."""
    now = _now(now)
    with transaction.atomic():
        consultation = _locked(consultation)
        decision = routing_decision(consultation, now=now)
        adviser = (
            Adviser.objects.select_related("user").get(pk=decision.person_id) if decision.person_id else None
        )
        assignment = Assignment.objects.create(
            consultation=consultation, adviser=adviser, explanation=decision.explanation, created_at=now
        )
        if adviser is None:
            notifications.notify("queued", consultation)
            return assignment
        _assign(consultation, adviser, actor=None, now=now)
        notifications.notify("assigned", consultation)
    return assignment


def _assign(consultation: Consultation, adviser: Adviser, *, actor, now, comment: str = "") -> None:
    consultation.assignee = adviser
    consultation.save(update_fields=["assignee", "updated_at"])
    Adviser.objects.filter(pk=adviser.pk).update(last_assigned_at=now)
    if consultation.status == Status.SUBMITTED:
        _transition(consultation, to_status=Status.ASSIGNED, actor=actor, comment=comment, now=now)


def consultation_reassign(
    *, consultation: Consultation, actor, adviser: Adviser, reason: str, now=None
) -> None:
    """A coordinator hands a case to someone else; the reason is recorded with the assignment."""
    now = _now(now)
    _require(_is_coordinator(actor))
    if not reason.strip():
        raise ActionRefused(REASON_REQUIRED)
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.status not in OPEN_STATUSES:
            raise ActionRefused(NOT_PERMITTED)
        if adviser.conflicts.filter(pk=consultation.municipality_id).exists():
            raise ActionRefused(NOT_ELIGIBLE % {"name": adviser.name, "why": CONFLICT})
        decision = routing_decision(consultation, now=now)
        previous = consultation.assignee
        Assignment.objects.create(
            consultation=consultation,
            adviser=adviser,
            by=actor,
            reason=reason.strip(),
            explanation=decision.explanation,
            created_at=now,
        )
        _assign(consultation, adviser, actor=actor, now=now, comment=reason.strip())
        AccessLog.objects.create(
            user=actor,
            consultation=consultation,
            action=AccessAction.CHANGE,
            detail=f"reassigned to {adviser.pk}",
        )
        notifications.notify(
            "reassigned", consultation, actor=actor, previous=previous, extra={"reason": reason}
        )


def consultation_request_reassignment(*, consultation, actor, reason: str, now=None) -> None:
    now = _now(now)
    _require(_is_assignee(actor, consultation))
    if not reason.strip():
        raise ActionRefused(REASON_REQUIRED)
    with transaction.atomic():
        consultation = _locked(consultation)
        _add_message(
            consultation,
            author=actor,
            kind=MessageKind.NOTE,
            body=_("Reassignment requested: %(reason)s") % {"reason": reason.strip()},
            now=now,
        )
        notifications.notify("reassignment_requested", consultation, actor=actor, extra={"reason": reason})


# --- working a case ---


def consultation_start(*, consultation, actor, now=None) -> None:
    now = _now(now)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_assignee(actor, consultation) or _is_coordinator(actor))
        _transition(consultation, to_status=Status.IN_PROGRESS, actor=actor, now=now)


def consultation_message(
    *, consultation, actor, body: str, internal: bool = False, files=(), now=None
) -> Message:
    """A reply or an internal note from staff, or a message from the requester's municipality."""
    now = _now(now)
    if not body.strip():
        raise ActionRefused(TEXT_REQUIRED)
    with transaction.atomic():
        consultation = _locked(consultation)
        staff = _is_assignee(actor, consultation) or _is_coordinator(actor)
        requester_side = _is_requester_side(actor, consultation)
        _require(staff or requester_side)
        if staff:
            if not internal:
                _start_if_needed(consultation, actor=actor, now=now)
            kind = MessageKind.NOTE if internal else MessageKind.REPLY
        else:
            _require(consultation.status in OPEN_STATUSES or consultation.status == Status.ANSWERED)
            kind = (
                MessageKind.INFO_REPLY
                if consultation.status == Status.AWAITING_INFO
                else MessageKind.QUESTION
            )
        message = _add_message(
            consultation, author=actor, kind=kind, body=body.strip(), files=files, internal=internal, now=now
        )
        if not staff and consultation.status == Status.AWAITING_INFO:
            _transition(consultation, to_status=Status.IN_PROGRESS, actor=actor, now=now)
            notifications.notify("info_provided", consultation, actor=actor)
        elif not staff:
            notifications.notify("message_from_requester", consultation, actor=actor)
        elif not internal:
            notifications.notify(
                "message_to_requester", consultation, actor=actor, extra={"body": body.strip()}
            )
    return message


def consultation_request_info(*, consultation, actor, body: str, files=(), now=None) -> None:
    """Ask the requester for information; the deadline clock stops until they reply."""
    now = _now(now)
    if not body.strip():
        raise ActionRefused(TEXT_REQUIRED)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_assignee(actor, consultation) or _is_coordinator(actor))
        _start_if_needed(consultation, actor=actor, now=now)
        _add_message(
            consultation, author=actor, kind=MessageKind.INFO_REQUEST, body=body.strip(), files=files, now=now
        )
        _transition(consultation, to_status=Status.AWAITING_INFO, actor=actor, now=now)
        notifications.notify("info_requested", consultation, actor=actor, extra={"body": body.strip()})


def consultation_resume(*, consultation, actor, now=None) -> None:
    """Staff restart the clock without waiting for the requester's reply."""
    now = _now(now)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_assignee(actor, consultation) or _is_coordinator(actor))
        _transition(consultation, to_status=Status.IN_PROGRESS, actor=actor, now=now)


def consultation_extend(*, consultation, actor, days: int, reason: str, now=None) -> None:
    """Move the due date by working days; the requester sees the reason."""
    now = _now(now)
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise ActionRefused(EXTENSION_RANGE % {"max": MAX_EXTENSION_DAYS})
    if not reason.strip():
        raise ActionRefused(REASON_REQUIRED)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_assignee(actor, consultation) or _is_coordinator(actor))
        _require(consultation.status in OPEN_STATUSES)
        previous = consultation.due_date
        consultation.due_date = add_working_days(consultation.due_date, days)
        consultation.save(update_fields=["due_date", "updated_at"])
        _add_message(
            consultation,
            author=actor,
            kind=MessageKind.EXTENSION,
            body=_("Deadline moved from %(old)s to %(new)s. Reason: %(reason)s")
            % {
                "old": previous.isoformat(),
                "new": consultation.due_date.isoformat(),
                "reason": reason.strip(),
            },
            now=now,
        )
        notifications.notify(
            "extended", consultation, actor=actor, extra={"reason": reason.strip(), "old": previous}
        )


def consultation_answer(*, consultation, actor, body: str, files=(), now=None) -> None:
    now = _now(now)
    if not body.strip():
        raise ActionRefused(TEXT_REQUIRED)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_assignee(actor, consultation) or _is_coordinator(actor))
        _start_if_needed(consultation, actor=actor, now=now)
        answer = clean_html(body)
        _add_message(consultation, author=actor, kind=MessageKind.ANSWER, body=answer, files=files, now=now)
        consultation.answer = answer
        consultation.answered_at = now
        consultation.answered_by = viewer_for(actor).adviser or consultation.assignee
        consultation.save(update_fields=["answer", "answered_at", "answered_by", "updated_at"])
        _transition(consultation, to_status=Status.ANSWERED, actor=actor, now=now)
        notifications.notify("answered", consultation, actor=actor)


def consultation_accept(*, consultation, actor, now=None) -> None:
    now = _now(now)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_requester_side(actor, consultation))
        _transition(
            consultation, to_status=Status.CLOSED, actor=actor, comment=_("Answer accepted."), now=now
        )
        notifications.notify("accepted", consultation, actor=actor)


def consultation_follow_up(*, consultation, actor, body: str, now=None) -> None:
    """The requester asks more after the answer: within the window the case reopens with a new deadline."""
    now = _now(now)
    if not body.strip():
        raise ActionRefused(TEXT_REQUIRED)
    window = settings.CONSULTATION_AUTO_CLOSE_DAYS
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_requester_side(actor, consultation))
        if consultation.answered_at is None or now > consultation.answered_at + timedelta(days=window):
            raise ActionRefused(REOPEN_TOO_LATE % {"days": window})
        _add_message(consultation, author=actor, kind=MessageKind.FOLLOW_UP, body=body.strip(), now=now)
        _transition(consultation, to_status=Status.REOPENED, actor=actor, now=now)
        consultation.due_date = add_working_days(local_date(now), deadline_days(consultation.category))
        consultation.closed_at = None
        consultation.save(update_fields=["due_date", "closed_at", "updated_at"])
        notifications.notify("reopened", consultation, actor=actor, extra={"body": body.strip()})


def consultation_rate(*, consultation, actor, rating: int, comment: str = "", now=None) -> None:
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_requester_side(actor, consultation))
        _require(consultation.status in (Status.ANSWERED, Status.CLOSED) and 1 <= rating <= 5)
        consultation.rating = rating
        consultation.rating_comment = comment.strip()
        consultation.save(update_fields=["rating", "rating_comment", "updated_at"])
        notifications.notify("rated", consultation, actor=actor)


def consultation_withdraw(*, consultation, actor, reason: str = "", now=None) -> None:
    now = _now(now)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_requester_side(actor, consultation))
        _transition(consultation, to_status=Status.WITHDRAWN, actor=actor, comment=reason.strip(), now=now)
        notifications.notify("withdrawn", consultation, actor=actor)


def consultation_reject(*, consultation, actor, reason: str, now=None) -> None:
    """Out of scope: the requester sees the reason."""
    now = _now(now)
    if not reason.strip():
        raise ActionRefused(REASON_REQUIRED)
    with transaction.atomic():
        consultation = _locked(consultation)
        _require(_is_assignee(actor, consultation) or _is_coordinator(actor))
        _transition(consultation, to_status=Status.REJECTED, actor=actor, comment=reason.strip(), now=now)
        notifications.notify("rejected", consultation, actor=actor, extra={"reason": reason.strip()})


# --- scheduled work ---


def consultations_auto_close(*, now=None) -> int:
    """Answered cases the requester left alone for the window close on their own."""
    now = _now(now)
    cutoff = now - timedelta(days=settings.CONSULTATION_AUTO_CLOSE_DAYS)
    closed = 0
    for pk in Consultation.objects.filter(status=Status.ANSWERED, answered_at__lte=cutoff).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=pk)
            if consultation.status != Status.ANSWERED:
                continue
            _transition(
                consultation,
                to_status=Status.CLOSED,
                actor=None,
                comment=_("Closed automatically %(days)s days after the answer.")
                % {"days": settings.CONSULTATION_AUTO_CLOSE_DAYS},
                now=now,
            )
            notifications.notify("auto_closed", consultation)
            closed += 1
    return closed


def consultations_remind(*, now=None) -> tuple[int, int]:
    """Remind assignees before the due date and escalate overdue cases to the coordinators, daily."""
    now = _now(now)
    today = local_date(now)
    horizon = add_working_days(today, settings.CONSULTATION_REMINDER_WORKING_DAYS)
    running = Consultation.objects.filter(status__in=CLOCK_STATUSES)
    reminded = escalated = 0
    for consultation in running.filter(
        due_date__gte=today, due_date__lte=horizon, assignee__isnull=False
    ).exclude(reminded_on=today):
        with transaction.atomic():
            Consultation.objects.filter(pk=consultation.pk).update(reminded_on=today)
            notifications.notify("reminder", consultation)
            reminded += 1
    for consultation in running.filter(due_date__lt=today).exclude(escalated_on=today):
        with transaction.atomic():
            Consultation.objects.filter(pk=consultation.pk).update(escalated_on=today)
            notifications.notify(
                "overdue",
                consultation,
                extra={"days_late": working_days_between(consultation.due_date, today)},
            )
            escalated += 1
    return reminded, escalated


# --- personal data (RODO) ---


def _redacted(text: str, *, names, municipalities) -> str:
    from consultations import redaction

    return redaction.redact(
        text, redaction.find_personal_data(text, names=names, municipalities=municipalities)
    )


def consultation_anonymise(*, consultation: Consultation, now=None) -> None:
    """Remove the personal data of a finished case; number, dates, category and rating stay for statistics."""
    now = _now(now)
    with transaction.atomic():
        consultation = _locked(consultation)
        if consultation.anonymised_at is not None:
            return
        people = {consultation.requester} | {m.author for m in consultation.messages.select_related("author")}
        names = [p.get_full_name() for p in people if p is not None and p.get_full_name()]
        municipalities = [consultation.municipality.name]
        for message in consultation.messages.all():
            message.body = _redacted(message.body, names=names, municipalities=municipalities)
            message.author = None if message.author == consultation.requester else message.author
            message.save(update_fields=["body", "author"])
        for attachment in consultation.attachments.all():
            attachment.file.delete(save=False)
            attachment.delete()
        consultation.notifications.all().update(body="", subject=consultation.number)
        consultation.title = _redacted(consultation.title, names=names, municipalities=municipalities)
        consultation.question = _redacted(consultation.question, names=names, municipalities=municipalities)
        consultation.answer = _redacted(consultation.answer, names=names, municipalities=municipalities)
        consultation.rating_comment = _redacted(
            consultation.rating_comment, names=names, municipalities=municipalities
        )
        consultation.urgency_reason = ""
        consultation.requester = None
        consultation.anonymised_at = now
        consultation.save(
            update_fields=[
                "title",
                "question",
                "answer",
                "rating_comment",
                "urgency_reason",
                "requester",
                "anonymised_at",
            ]
        )
        logger.info("Consultation %s anonymised", consultation.number)


def consultations_anonymise_expired(*, now=None) -> int:
    """Anonymise cases finished longer ago than CONSULTATION_RETENTION_MONTHS."""
    now = _now(now)
    cutoff = now - timedelta(days=round(settings.CONSULTATION_RETENTION_MONTHS * 30.44))
    expired = Consultation.objects.filter(
        status__in=(Status.CLOSED, Status.REJECTED, Status.WITHDRAWN),
        closed_at__lt=cutoff,
        anonymised_at__isnull=True,
    )
    count = 0
    for consultation in expired:
        consultation_anonymise(consultation=consultation, now=now)
        count += 1
    return count


def pending_uploads_clear(*, now=None) -> int:
    """Forget files kept for forms that were never sent (after a day)."""
    now = _now(now)
    count = 0
    for pending in PendingUpload.objects.filter(created_at__lt=now - timedelta(days=1)):
        pending.file.delete(save=False)
        pending.delete()
        count += 1
    return count
