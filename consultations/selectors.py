"""Reads of the consultation desk; every view and endpoint gets its case through access_consultation."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from consultations.choices import INTERNAL_KINDS, OPEN_STATUSES, AccessAction, OfficialStatus
from consultations.models import AccessLog, Adviser, Assignment, Consultation, Message, Notification

COORDINATORS_GROUP = "Coordinators"
UNREAD_CACHE_KEY = "desk:unread:{user}"
UNREAD_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Viewer:
    """What a user is to the desk: any combination of coordinator, adviser and active official."""

    user: object
    coordinator: bool
    adviser: Adviser | None
    municipality_id: int | None

    @property
    def staff(self) -> bool:
        return self.coordinator or self.adviser is not None

    @property
    def known(self) -> bool:
        return self.staff or self.municipality_id is not None


def users_with_desk_role() -> QuerySet:
    """Users read together with what they are to the desk: adviser, official and coordinator membership."""
    return (
        get_user_model()
        ._default_manager.select_related("adviser", "official")
        .annotate(
            in_coordinators=Exists(
                Group.objects.filter(user=OuterRef("pk"), name=COORDINATORS_GROUP),
            )
        )
    )


def viewer_for(user) -> Viewer:
    if not user.is_authenticated or not user.is_active:
        return Viewer(user, False, None, None)
    cached = getattr(user, "_consultation_viewer", None)
    if cached is not None:
        return cached
    # Signed in through DeskRoleBackend, the user came with the role; else one query for the group, the
    # adviser and the official (every desk request starts here).
    found = user if hasattr(user, "in_coordinators") else users_with_desk_role().get(pk=user.pk)
    coordinator = user.is_superuser or found.in_coordinators
    adviser = getattr(found, "adviser", None)
    if adviser is not None:
        adviser.user = user
    official = getattr(found, "official", None)
    municipality_id = (
        official.municipality_id
        if official is not None and official.status == OfficialStatus.ACTIVE
        else None
    )
    viewer = Viewer(user, coordinator, adviser, municipality_id)
    user._consultation_viewer = viewer
    return viewer


def unread_notification_count(*, user_id: int) -> int:
    """How many of the user's notices are unread; cached until one of them is created, changed or read.

    Every signed-in page shows the count in its header, and most requests change nothing.
    """
    key = UNREAD_CACHE_KEY.format(user=user_id)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_CACHE_SECONDS)
    return count


def unread_notification_count_forget(*, user_id: int) -> None:
    """Drop the cached count now and again once the current transaction commits.

    The second time, because a request may have counted the old rows meanwhile and cached them.
    """
    key = UNREAD_CACHE_KEY.format(user=user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """Cases a user may see: coordinators all; advisers those assigned to them now or before; officials
    their municipality's."""
    viewer = viewer_for(user)
    if viewer.coordinator:
        return Consultation.objects.all()
    condition = Q(pk__in=[])
    if viewer.adviser is not None:
        # EXISTS rather than a join on the assignment history: a join repeats cases and needs DISTINCT,
        # which made a lawyer's list of 10,000 cases about twice as slow on PostgreSQL.
        earlier = Assignment.objects.filter(consultation=OuterRef("pk"), adviser=viewer.adviser)
        condition |= Q(assignee=viewer.adviser) | Q(Exists(earlier))
    if viewer.municipality_id is not None:
        condition |= Q(municipality_id=viewer.municipality_id)
    return Consultation.objects.filter(condition)


def consultations_assigned_to(adviser: Adviser) -> QuerySet[Consultation]:
    """An adviser's current cases: all of them visible to the adviser, so no wider condition is needed."""
    return Consultation.objects.filter(assignee=adviser)


def access_consultation(user, *, year: int, sequence: int, action: str = AccessAction.VIEW) -> Consultation:
    """The case if this user may see it, else 404 (the same answer for "missing" and "not yours").

    Staff reads are written to the audit log.
    """
    try:
        consultation = (
            consultations_visible_to(user)
            .select_related("municipality", "requester", "assignee__user", "privacy_clause")
            .get(year=year, sequence=sequence)
        )
    except (Consultation.DoesNotExist, ValueError):
        raise Http404 from None
    viewer = viewer_for(user)
    if viewer.staff:
        AccessLog.objects.create(user=user, consultation=consultation, action=action)
    return consultation


def thread_for(consultation: Consultation, user) -> QuerySet[Message]:
    """The messages of a case this user may read: requesters never see internal notes."""
    messages = consultation.messages.select_related("author").prefetch_related("attachments")
    if not viewer_for(user).staff:
        messages = messages.exclude(kind__in=INTERNAL_KINDS)
    return messages


def attachments_for(consultation: Consultation, user):
    attachments = consultation.attachments.all()
    if not viewer_for(user).staff:
        attachments = attachments.filter(internal=False)
    return attachments


def adviser_open_counts() -> dict[int, int]:
    rows = (
        Consultation.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
        .values("assignee")
        .annotate(n=Count("pk"))
    )
    return {row["assignee"]: row["n"] for row in rows}


@dataclass(frozen=True)
class Dashboard:
    by_status: list[tuple[str, int]]
    overdue: list[Consultation]
    load: list[tuple[Adviser, int]]
    by_category: list[tuple[str, int]]
    median_days_to_answer: float | None
    answered_on_time_share: float | None
    answered_count: int
    monthly: list[tuple[str, int, int]]  # month, submitted, answered


def _months_back(today, count: int) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def dashboard_figures(*, today) -> Dashboard:
    """The coordinator's overview of the desk, computed from the cases themselves."""
    from statistics import median

    from consultations.choices import CLOCK_STATUSES, Category, Status
    from consultations.workdays import local_date

    counts = dict(Consultation.objects.values_list("status").annotate(n=Count("pk")))
    by_status = [(str(label), counts.get(value, 0)) for value, label in Status.choices]
    overdue = list(
        Consultation.objects.filter(status__in=CLOCK_STATUSES, due_date__lt=today)
        .select_related("municipality", "assignee__user")
        .order_by("due_date")
    )
    open_counts = adviser_open_counts()
    load = sorted(
        ((a, open_counts.get(a.pk, 0)) for a in Adviser.objects.select_related("user")),
        key=lambda pair: (-pair[1], pair[0].name),
    )
    categories = dict(Consultation.objects.values_list("category").annotate(n=Count("pk")))
    by_category = [(str(label), categories.get(value, 0)) for value, label in Category.choices]
    answered = list(
        Consultation.objects.filter(answered_at__isnull=False).values_list(
            "submitted_at", "answered_at", "due_date"
        )
    )
    days = [(a - s).total_seconds() / 86400 for s, a, _ in answered]
    on_time = [local_date(a) <= due for _, a, due in answered]
    months = _months_back(today, 12)
    submitted_by_month: dict = {}
    answered_by_month: dict = {}
    since = Consultation.objects.filter(submitted_at__year__gte=months[0][0])
    for moment in since.values_list("submitted_at", flat=True):
        key = (local_date(moment).year, local_date(moment).month)
        submitted_by_month[key] = submitted_by_month.get(key, 0) + 1
    for _, moment, _ in answered:
        key = (local_date(moment).year, local_date(moment).month)
        answered_by_month[key] = answered_by_month.get(key, 0) + 1
    monthly = [
        (f"{y}-{m:02d}", submitted_by_month.get((y, m), 0), answered_by_month.get((y, m), 0))
        for y, m in months
    ]
    return Dashboard(
        by_status=by_status,
        overdue=overdue,
        load=load,
        by_category=by_category,
        median_days_to_answer=round(median(days), 1) if days else None,
        answered_on_time_share=round(sum(on_time) / len(on_time), 3) if on_time else None,
        answered_count=len(answered),
        monthly=monthly,
    )
