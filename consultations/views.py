"""The desk's pages: each gets its case through access_consultation and changes it through services."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from consultations import forms, selectors, services
from consultations.choices import OPEN_STATUSES, AccessAction, Status
from consultations.models import AnswerTemplate, Consultation, Notification, PrivacyClause

RATE_LIMITED = gettext_lazy("Too many attempts from your address. Wait a while and try again.")


def _case(request, year, seq, action=AccessAction.VIEW) -> Consultation:
    return selectors.access_consultation(request.user, year=int(year), sequence=int(seq), action=action)


def _viewer(request) -> selectors.Viewer:
    return selectors.viewer_for(request.user)


def _store_uploads(request, form) -> list:
    """Keep every file that passed its checks, also when the rest of the form did not."""
    good = form.cleaned_data.get("attachments") if hasattr(form, "cleaned_data") else None
    if good is None:
        good = getattr(form.fields["attachments"], "accepted", [])
    removed = form.removed_ids()
    kept = [p for p in form.kept_uploads() if p.pk not in removed]
    for pending in form.kept_uploads():
        if pending.pk in removed:
            pending.file.delete(save=False)
            pending.delete()
    for upload in good or []:
        kept.append(services.pending_upload_store(owner=request.user, upload=upload))
    return kept


def _keep_in_form(form, kept) -> None:
    """Re-shown forms carry the kept files in their hidden field and list them for removal."""
    data = form.data.copy()
    data[form.add_prefix("kept")] = ",".join(str(p.pk) for p in kept)
    form.data = data
    form.kept_list = kept


@lru_cache(maxsize=256)
def _filters_html(language: str, staff: bool, scope_box: bool, bound: bool, query: tuple) -> str:
    """The case list's filter form as HTML.

    Its choices are fixed in code, so the same query renders the same form: kept per process, because
    rendering its selects option by option cost more than the rows of the list.
    """
    data = QueryDict(mutable=True)
    for key, values in query:
        data.setlist(key, list(values))
    context = {
        "filters": forms.CaseFilterForm(data if bound else None, staff=staff),
        "scope_box": scope_box,
        "scope_all": data.get("scope") == "all",
    }
    return render_to_string("consultations/_case_filters.html", context)


def _rows_html(cases, *, today, staff: bool) -> str:
    """The case list's table rows as HTML: link, title, municipality, status, due date, assignee.

    Built here rather than in the template, where looking up and escaping each cell of 25 rows cost more
    than the queries of the page.
    """
    # Every case URL is the same pattern with other numbers: reverse it once, then fill the numbers in.
    sample = reverse("consultation_detail", kwargs={"year": "0000", "seq": "00000"})
    prefix = sample.removesuffix("0000/00000/")
    urgent = format_html(' <span class="badge--warning">{}</span>', _("urgent"))
    overdue = format_html(' <strong class="overdue">{}</strong>', _("overdue"))
    paused = format_html(' <span class="muted">({})</span>', _("paused"))
    labels = {}
    rows = []
    for case in cases:
        due = case.due_date
        if due not in labels:
            labels[due] = dateformat.format(due, "j E Y") if due is not None else ""
        if case.is_open:
            due_cell = format_html(
                "{}{}{}",
                labels[due],
                overdue if due is not None and due < today else "",
                paused if case.is_paused else "",
            )
        else:
            due_cell = "—"
        row = format_html(
            '<tr><td><a href="{}{}/{}/">{}</a></td><td>{}{}</td><td>{}</td><td>{}</td><td>{}</td>',
            prefix,
            case.year,
            case.seq,
            case.number,
            case.title,
            urgent if case.urgent else "",
            case.municipality_name,
            case.status_label,
            due_cell,
        )
        if staff:
            # As Adviser.name: the full name, else the username.
            full_name = f"{case.assignee_first_name} {case.assignee_last_name}".strip()
            name = (full_name or case.assignee_username) if case.assignee_username else ""
            row = format_html("{}<td>{}</td>", row, name or "—")
        rows.append((row,))
    return format_html_join("\n", "{}</tr>", rows)


def _querystring_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- lists ---

FILTER_PARAMETERS = frozenset(forms.CaseFilterForm.base_fields) | {"scope"}
# The columns the case list shows: the question, the answer and the rest stay in the database.
LIST_FIELDS = (
    "year",
    "sequence",
    "number",
    "title",
    "urgent",
    "status",
    "submitted_at",
    "due_date",
    "paused_at",
)
# The municipality's and the assignee's names as columns of the case row: a model instance for each of
# them cost more than the rest of the row.
LIST_NAMES = {
    "municipality_name": F("municipality__name"),
    "assignee_username": F("assignee__user__username"),
    "assignee_first_name": F("assignee__user__first_name"),
    "assignee_last_name": F("assignee__user__last_name"),
}


@login_required
@require_GET
def consultation_list(request):
    viewer = _viewer(request)
    if not viewer.known:
        return render(request, "consultations/no_access.html", status=403)
    filters = forms.CaseFilterForm(request.GET or None, staff=viewer.staff)
    if viewer.adviser is not None and not viewer.coordinator and request.GET.get("scope") != "all":
        cases = selectors.consultations_assigned_to(viewer.adviser)
    else:
        cases = selectors.consultations_visible_to(request.user)
    cases = cases.only(*LIST_FIELDS)
    today = timezone.localdate()
    status = ""
    if filters.is_valid():
        data = filters.cleaned_data
        status = data["status"]
        if data["category"]:
            cases = cases.filter(category=data["category"])
        if data["role"]:
            cases = cases.filter(assignee__role=data["role"])
        if data["overdue"]:
            cases = cases.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        if data["q"]:
            cases = cases.filter(Q(number__icontains=data["q"]) | Q(title__icontains=data["q"]))
    if status == "" and viewer.staff:
        cases = cases.filter(status__in=OPEN_STATUSES)  # staff start from their open work
    elif status not in ("", "all"):
        cases = cases.filter(status=status)
    cases = cases.order_by("due_date", "pk") if viewer.staff else cases.order_by("-submitted_at")
    paginator = Paginator(cases.annotate(**LIST_NAMES), 25)
    paginator.count = cases.count()  # counted without the joins that bring the names
    page = paginator.get_page(request.GET.get("page"))
    queue = None
    if viewer.coordinator:
        queue = Consultation.objects.filter(status=Status.SUBMITTED, assignee__isnull=True).order_by(
            "submitted_at"
        )
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "viewer": viewer,
            "page_obj": page,
            "filters": filters,
            "filters_html": _filters_html(
                get_language(),
                viewer.staff,
                viewer.adviser is not None and not viewer.coordinator,
                bool(request.GET),
                tuple(sorted((k, tuple(v)) for k, v in request.GET.lists() if k in FILTER_PARAMETERS)),
            ),
            "rows_html": _rows_html(page, today=today, staff=viewer.staff),
            "queue": queue,
            "today": today,
            "querystring": _querystring_without_page(request),
        },
    )


@login_required
def notification_list(request):
    notices = Notification.objects.filter(recipient=request.user).select_related("consultation")
    if request.method == "POST":
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        selectors.unread_notification_count_forget(user_id=request.user.pk)
        return redirect("consultation_notifications")
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "consultations/notification_list.html", {"page_obj": page})


# --- asking ---


@login_required
def consultation_new(request):
    viewer = _viewer(request)
    if viewer.municipality_id is None:
        return render(request, "consultations/no_access.html", {"asking": True}, status=403)
    clause = PrivacyClause.objects.latest()
    form = forms.QuestionForm(request.POST or None, request.FILES or None, owner=request.user)
    if request.method == "POST":
        if is_ratelimited(
            request,
            group="consultation_submit",
            key="user",
            rate=settings.CONSULTATION_SUBMIT_RATE,
            increment=True,
        ):
            messages.error(request, RATE_LIMITED)
            return render(
                request, "consultations/consultation_form.html", {"form": form, "clause": clause}, status=429
            )
        valid = form.is_valid()
        kept = _store_uploads(request, form)
        if valid:
            data = form.cleaned_data
            try:
                consultation = services.consultation_submit(
                    requester=request.user,
                    category=data["category"],
                    title=data["title"],
                    question=data["question"],
                    topics=data["topics"],
                    provisions=data["provisions"],
                    urgent=data["urgent"],
                    urgency_reason=data["urgency_reason"],
                    consent_publish=data["consent_publish"],
                    privacy_clause=clause,
                    files=kept,
                )
            except services.ActionRefused as refused:
                messages.error(request, refused.message)
            else:
                messages.success(
                    request,
                    _("Your question has been registered as %(number)s.") % {"number": consultation.number},
                )
                return redirect(consultation)
        _keep_in_form(form, kept)
        return render(
            request, "consultations/consultation_form.html", {"form": form, "clause": clause}, status=400
        )
    return render(request, "consultations/consultation_form.html", {"form": form, "clause": clause})


@require_GET
@login_required
def similar(request):
    """Published interpretations and explanations close to a draft title, for the question form."""
    from search.selectors import search_run

    query = (request.GET.get("q") or "").strip()[:200]
    if len(query) < 4:
        return JsonResponse({"results": []})
    results = []
    for kind in ("legal_interpretation", "explanation"):
        for hit in search_run(query, filters={"type": kind}, per_page=5).results:
            results.append({"title": hit.title, "url": hit.url, "type": hit.type_label, "score": hit.score})
    results.sort(key=lambda r: -r["score"])
    return JsonResponse({"results": results[:6]})


# --- the case page and its actions ---


def _action_forms(request, consultation, viewer, bound=None):
    """The forms this person may use on this case now; ``bound`` replaces one of them after a failed post."""
    is_assignee = viewer.adviser is not None and consultation.assignee_id == viewer.adviser.pk
    staff = is_assignee or viewer.coordinator
    requester_side = viewer.municipality_id == consultation.municipality_id
    status = consultation.status
    owner = request.user
    available = {}
    if staff and consultation.is_open:
        available["message"] = forms.StaffMessageForm(owner=owner, prefix="message")
        if status in (Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED):
            available["request_info"] = forms.MessageForm(owner=owner, prefix="request_info")
            available["answer"] = forms.AnswerForm(owner=owner, prefix="answer")
            available["reject"] = forms.ReasonForm(prefix="reject")
        if status == Status.SUBMITTED:
            available["reject"] = forms.ReasonForm(prefix="reject")
        available["extend"] = forms.ExtendForm(prefix="extend")
        if is_assignee and not viewer.coordinator:
            available["request_reassignment"] = forms.ReasonForm(prefix="request_reassignment")
    if viewer.coordinator and consultation.is_open:
        available["reassign"] = forms.ReassignForm(prefix="reassign")
    if requester_side:
        if consultation.is_open or status == Status.ANSWERED:
            available["reply"] = forms.MessageForm(owner=owner, prefix="reply")
        if status == Status.ANSWERED:
            available["accept"] = None
        if status in (Status.ANSWERED, Status.CLOSED) and consultation.answered_at:
            window = settings.CONSULTATION_AUTO_CLOSE_DAYS
            if timezone.now() <= consultation.answered_at + timedelta(days=window):
                available["follow_up"] = forms.MessageForm(owner=owner, prefix="follow_up")
            available["rate"] = forms.RateForm(
                prefix="rate", initial={"rating": consultation.rating, "comment": consultation.rating_comment}
            )
        if consultation.is_open:
            available["withdraw"] = None
    if bound is not None:
        name, form = bound
        available[name] = form
    return available


@login_required
def consultation_detail(request, year, seq, bound=None, status=200):
    consultation = _case(request, year, seq)
    viewer = _viewer(request)
    actions = _action_forms(request, consultation, viewer, bound=bound)
    context = {
        "consultation": consultation,
        "viewer": viewer,
        "thread": selectors.thread_for(consultation, request.user),
        "attachments": selectors.attachments_for(consultation, request.user).filter(message__isnull=True),
        "history": consultation.history.select_related("actor"),
        "actions": actions,
        "templates": list(AnswerTemplate.objects.values("pk", "title", "body"))
        if "answer" in actions
        else [],
        "today": timezone.localdate(),
        "window": settings.CONSULTATION_AUTO_CLOSE_DAYS,
    }
    if viewer.staff:
        from consultations import knowledge_loop

        context["can_draft_knowledge"] = (
            knowledge_loop.can_draft(request.user, consultation)
            and consultation.status in (Status.ANSWERED, Status.CLOSED)
            and consultation.consent_publish
            and consultation.knowledge_page_id is None
        )
        if viewer.coordinator:
            context["access_log"] = consultation.access_log.select_related("user")[:50]
        context["assignments"] = consultation.assignments.select_related("adviser__user", "by")
    return render(request, "consultations/consultation_detail.html", context, status=status)


ACTIONS = {
    # name: (form class, takes files, service call)
    "message": (forms.StaffMessageForm, True),
    "reply": (forms.MessageForm, True),
    "request_info": (forms.MessageForm, True),
    "answer": (forms.AnswerForm, True),
    "follow_up": (forms.MessageForm, False),
    "extend": (forms.ExtendForm, False),
    "reject": (forms.ReasonForm, False),
    "request_reassignment": (forms.ReasonForm, False),
    "reassign": (forms.ReassignForm, False),
    "rate": (forms.RateForm, False),
    "accept": (None, False),
    "withdraw": (None, False),
    "start": (None, False),
    "resume": (None, False),
}

DONE = {
    "message": _("Message sent."),
    "reply": _("Message sent."),
    "request_info": _("The requester has been asked for information; the deadline is paused."),
    "answer": _("The answer has been sent."),
    "follow_up": _("The case has been reopened with your question."),
    "extend": _("The deadline has been extended."),
    "reject": _("The case has been rejected."),
    "request_reassignment": _("The coordinator has been asked to reassign the case."),
    "reassign": _("The case has been reassigned."),
    "rate": _("Thank you for the rating."),
    "accept": _("The answer has been accepted and the case closed."),
    "withdraw": _("The question has been withdrawn."),
    "start": _("Work on the case has started."),
    "resume": _("The deadline clock runs again."),
}


def _perform(name, consultation, user, data, files):
    s = services
    common = {"consultation": consultation, "actor": user}
    match name:
        case "message":
            s.consultation_message(**common, body=data["body"], internal=data["internal"], files=files)
        case "reply":
            s.consultation_message(**common, body=data["body"], files=files)
        case "request_info":
            s.consultation_request_info(**common, body=data["body"], files=files)
        case "answer":
            s.consultation_answer(**common, body=data["body"], files=files)
        case "follow_up":
            s.consultation_follow_up(**common, body=data["body"])
        case "extend":
            s.consultation_extend(**common, days=data["days"], reason=data["reason"])
        case "reject":
            s.consultation_reject(**common, reason=data["reason"])
        case "request_reassignment":
            s.consultation_request_reassignment(**common, reason=data["reason"])
        case "reassign":
            s.consultation_reassign(**common, adviser=data["adviser"], reason=data["reason"])
        case "rate":
            s.consultation_rate(**common, rating=data["rating"], comment=data["comment"])
        case "accept":
            s.consultation_accept(**common)
        case "withdraw":
            s.consultation_withdraw(**common)
        case "start":
            s.consultation_start(**common)
        case "resume":
            s.consultation_resume(**common)


@login_required
@require_POST
def consultation_action(request, year, seq, name):
    if name not in ACTIONS:
        raise Http404
    consultation = _case(request, year, seq)
    form_class, takes_files = ACTIONS[name]
    data, files = {}, []
    if form_class is not None:
        kwargs = {"prefix": name}
        if takes_files:
            kwargs["owner"] = request.user
            form = form_class(request.POST, request.FILES, **kwargs)
        else:
            form = form_class(request.POST, **kwargs)
        valid = form.is_valid()
        if takes_files:
            files = _store_uploads(request, form)
        if not valid:
            if takes_files:
                _keep_in_form(form, files)
            return consultation_detail(request, year, seq, bound=(name, form), status=400)
        data = form.cleaned_data
    try:
        _perform(name, consultation, request.user, data, files)
    except services.ActionRefused as refused:
        messages.error(request, refused.message)
        if form_class is not None:
            if takes_files:
                _keep_in_form(form, files)
            return consultation_detail(request, year, seq, bound=(name, form), status=409)
    else:
        messages.success(request, DONE[name])
    return redirect(consultation)


@login_required
def attachment_download(request, year, seq, pk):
    consultation = _case(request, year, seq, action=AccessAction.DOWNLOAD)
    attachment = selectors.attachments_for(consultation, request.user).filter(pk=pk).first()
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def consultation_knowledge(request, year, seq):
    """The redaction step: review anonymised texts next to the marked originals, then create the draft."""
    from consultations import knowledge_loop

    consultation = _case(request, year, seq)
    try:
        proposal = knowledge_loop.proposal_for(consultation=consultation, user=request.user)
    except services.ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(consultation)
    initial = {
        "title": proposal.title,
        "summary": proposal.question[:240],
        "question": proposal.question,
        "answer": proposal.answer,
        "provisions": proposal.provisions,
    }
    form = forms.KnowledgeDraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            page = knowledge_loop.consultation_draft_knowledge(
                consultation=consultation,
                actor=request.user,
                **{k: v for k, v in form.cleaned_data.items() if k != "reviewed"},
            )
        except services.ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The draft has been created and sent for review."))
            return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "consultations/knowledge_draft.html",
        {"consultation": consultation, "form": form, "proposal": proposal},
        status=status,
    )


def _bars(rows, *, width=360, bar_height=18, gap=6, label_width=230):
    """Geometry of a horizontal bar chart drawn as SVG in the template; no script, no external library."""
    top = max((value for _, value in rows), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * (bar_height + gap)
        bars.append(
            {
                "label": label,
                "value": value,
                "y": y,
                "text_y": y + bar_height - 4,
                "w": round(width * value / top),
            }
        )
    return {
        "bars": bars,
        "height": len(rows) * (bar_height + gap),
        "width": label_width + width + 50,
        "label_width": label_width,
        "bar_height": bar_height,
        "value_x_offset": label_width + 6,
    }


@login_required
@require_GET
def dashboard(request):
    if not _viewer(request).coordinator:
        raise Http404
    today = timezone.localdate()
    figures = selectors.dashboard_figures(today=today)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(figures)
    context = {
        "figures": figures,
        "today": today,
        "status_chart": _bars([(label, n) for label, n in figures.by_status]),
        "category_chart": _bars(figures.by_category),
        "load_chart": _bars([(a.name, n) for a, n in figures.load]),
        "monthly_chart": _bars(
            [(month, submitted) for month, submitted, _ in figures.monthly], label_width=90
        ),
    }
    return render(request, "consultations/dashboard.html", context)


def _dashboard_csv(figures):
    import csv

    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="konsultacje-panel.csv"'
    response.write("\ufeff")  # spreadsheets then read the Polish letters right
    writer = csv.writer(response)
    writer.writerow(["section", "key", "value", "value2"])
    for label, n in figures.by_status:
        writer.writerow(["status", label, n, ""])
    for label, n in figures.by_category:
        writer.writerow(["category", label, n, ""])
    for adviser, n in figures.load:
        writer.writerow(["open cases per person", adviser.name, n, adviser.case_limit or ""])
    for month, submitted, answered in figures.monthly:
        writer.writerow(["month (submitted, answered)", month, submitted, answered])
    writer.writerow(["median days to answer", "", figures.median_days_to_answer or "", ""])
    writer.writerow(["share answered on time", "", figures.answered_on_time_share or "", ""])
    for case in figures.overdue:
        writer.writerow(
            ["overdue", case.number, case.due_date.isoformat(), case.assignee.name if case.assignee else ""]
        )
    return response
