"""Reads of the consultation desk; every view and endpoint gets its case through access_consultation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from consultations.choices import INTERNAL_KINDS, OPEN_STATUSES, AccessAction, OfficialStatus
from consultations.models import AccessLog, Adviser, Consultation, Message

COORDINATORS_GROUP = "Coordinators"


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


def viewer_for(user) -> Viewer:
    if not user.is_authenticated or not user.is_active:
        return Viewer(user, False, None, None)
    cached = getattr(user, "_consultation_viewer", None)
    if cached is not None:
        return cached
    coordinator = user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists()
    adviser = Adviser.objects.filter(user=user).first()
    official = getattr(user, "official", None) if hasattr(user, "official") else None
    municipality_id = (
        official.municipality_id
        if official is not None and official.status == OfficialStatus.ACTIVE
        else None
    )
    viewer = Viewer(user, coordinator, adviser, municipality_id)
    user._consultation_viewer = viewer
    return viewer


def consultations_visible_to(user) -> QuerySet[Consultation]:
    """Cases a user may see: coordinators all; advisers those assigned to them now or before; officials
    their municipality's."""
    viewer = viewer_for(user)
    if viewer.coordinator:
        return Consultation.objects.all()
    condition = Q(pk__in=[])
    if viewer.adviser is not None:
        condition |= Q(assignee=viewer.adviser) | Q(assignments__adviser=viewer.adviser)
    if viewer.municipality_id is not None:
        condition |= Q(municipality_id=viewer.municipality_id)
    return Consultation.objects.filter(condition).distinct()


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
