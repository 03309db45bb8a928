"""Admin views of the knowledge base: the review report and the registrations of events."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from wagtail.permission_policies.pages import PagePermissionPolicy

from knowledge import registration
from knowledge.choices import RegistrationStatus
from knowledge.forms import ParticipantMessageForm, RegistrationFilterForm
from knowledge.models import EventPage
from knowledge.selectors import pages_due_for_review


def review_report(request):
    """Content whose review date has passed or falls within the review window, for pages the user can edit."""
    policy = PagePermissionPolicy()
    if not policy.user_has_any_permission(request.user, ["add", "change", "publish"]):
        raise PermissionDenied
    editable = set(
        policy.instances_user_has_any_permission_for(request.user, ["change", "publish"]).values_list(
            "pk", flat=True
        )
    )
    today = timezone.localdate()
    rows = [
        {"page": page, "overdue": page.review_date < today, "days": abs((page.review_date - today).days)}
        for page in pages_due_for_review(today=today)
        if page.pk in editable
    ]
    return TemplateResponse(
        request,
        "knowledge/admin/review_report.html",
        {"rows": rows, "page_title": _("Content due for review"), "header_icon": "time", "today": today},
    )


# --- Registrations of an event, for its organisers ------------------------------------------------


def access_event_for_organiser(user, page_id: int) -> EventPage:
    """The event if the user may edit it (editors of the events section); 404 for missing and not allowed."""
    event = EventPage.objects.filter(pk=page_id).first()
    if event is None or not event.permissions_for_user(user).can_edit():
        raise Http404
    return event


def _filtered(event, params):
    form = RegistrationFilterForm(params or None, event=event)
    registrations = event.registrations.select_related("municipality").order_by("created_at", "pk")
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            registrations = registrations.filter(status=data["status"])
        if data["municipality"]:
            registrations = registrations.filter(municipality=data["municipality"])
        if data["q"]:
            q = data["q"]
            registrations = registrations.filter(
                Q(first_name__icontains=q)
                | Q(last_name__icontains=q)
                | Q(email__icontains=q)
                | Q(institution__icontains=q)
            )
    return form, registrations


def event_registrations(request, page_id: int):
    """The list with filters, per-municipality numbers, and confirming or rejecting one or many."""
    event = access_event_for_organiser(request.user, page_id)
    if request.method == "POST":
        ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
        action = request.POST.get("action")
        if not ids or action not in ("confirm", "reject"):
            messages.error(request, _("Choose at least one registration and an action."))
        else:
            changed, problems = registration.registrations_decide(
                event=event, ids=ids, confirm=action == "confirm", actor=request.user
            )
            if changed:
                messages.success(
                    request,
                    ngettext("%(count)s registration changed.", "%(count)s registrations changed.", changed)
                    % {"count": changed},
                )
            for problem in problems:
                messages.error(request, problem)
        return redirect(request.get_full_path())
    form, registrations = _filtered(event, request.GET)
    query = request.GET.urlencode()
    counts = dict(event.registrations.values_list("status").annotate(n=Count("pk")).order_by())
    return TemplateResponse(
        request,
        "knowledge/admin/event_registrations.html",
        {
            "event": event,
            "form": form,
            "registrations": registrations,
            "counts": [(label, counts.get(value, 0)) for value, label in RegistrationStatus.choices],
            "seats_left": registration.seats_left(event),
            "per_municipality": registration.per_municipality(event),
            "query": query,
            "page_title": _("Registrations: %(title)s") % {"title": event.title},
            "header_icon": "group",
        },
    )


EXPORT_COLUMNS = [
    ("last_name", gettext_lazy("Last name")),
    ("first_name", gettext_lazy("First name")),
    ("institution", gettext_lazy("Institution")),
    ("position", gettext_lazy("Position")),
    ("municipality", gettext_lazy("Municipality")),
    ("email", gettext_lazy("E-mail address")),
    ("phone", gettext_lazy("Phone")),
    ("accessibility_needs", gettext_lazy("Accessibility needs")),
    ("status", gettext_lazy("Status")),
    ("created_at", gettext_lazy("Registered at")),
]


def _export_rows(event, registrations):
    questions = [q.label for q in event.questions.all()]
    header = [str(label) for _name, label in EXPORT_COLUMNS] + questions
    rows = []
    for item in registrations:
        answers = {a.get("question"): a.get("answer", "") for a in item.answers}
        rows.append(
            [
                item.last_name,
                item.first_name,
                item.institution,
                item.position,
                item.municipality.name,
                item.email,
                item.phone,
                item.accessibility_needs,
                str(item.get_status_display()),
                timezone.localtime(item.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
            + [answers.get(q, "") for q in questions]
        )
    return header, rows


def _safe_cell(value):
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def event_registrations_export(request, page_id: int, fmt: str):
    """The filtered registrations as CSV or XLSX, with the answers to the extra questions."""
    event = access_event_for_organiser(request.user, page_id)
    _form, registrations = _filtered(event, request.GET)
    header, rows = _export_rows(event, registrations)
    filename = f"rejestracje-{event.slug}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        response.write("\ufeff")  # so spreadsheet programs read Polish letters as UTF-8
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows([[_safe_cell(v) for v in row] for row in rows])
        return response
    if fmt != "xlsx":
        raise Http404
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Registrations"))[:31]
    sheet.append(header)
    for row in rows:
        sheet.append([_safe_cell(v) for v in row])
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def event_registrations_message(request, page_id: int):
    """E-mail every confirmed participant of the event."""
    event = access_event_for_organiser(request.user, page_id)
    form = ParticipantMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = registration.registrations_message(
            event=event,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            actor=request.user,
        )
        messages.success(
            request,
            ngettext(
                "The message is being sent to %(count)s participant.",
                "The message is being sent to %(count)s participants.",
                sent,
            )
            % {"count": sent},
        )
        return redirect("knowledge_event_registrations", page_id=event.pk)
    return TemplateResponse(
        request,
        "knowledge/admin/event_registrations_message.html",
        {
            "event": event,
            "form": form,
            "recipients": registration.seats_taken(event),
            "page_title": _("E-mail the participants"),
            "header_icon": "mail",
        },
    )


def event_attendance_list(request, page_id: int):
    """A printable list of confirmed participants with a column for signatures."""
    event = access_event_for_organiser(request.user, page_id)
    participants = (
        event.registrations.filter(status=RegistrationStatus.CONFIRMED)
        .select_related("municipality")
        .order_by("last_name", "first_name")
    )
    return TemplateResponse(
        request, "knowledge/admin/attendance_list.html", {"event": event, "participants": participants}
    )
