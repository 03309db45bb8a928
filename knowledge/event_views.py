"""Public views of events: registration, the registrant's own page, calendar files and the month calendar.

The registration pages carry CSRF tokens, seat counts and personal data, so they are never cached; the
.ics files and the month calendar show only published content and may be (the page cache clears on publish).
"""

from datetime import date

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from knowledge import registration as services
from knowledge.calendar import events_ics, month_grid
from knowledge.choices import RegistrationStatus
from knowledge.forms import RegistrationForm
from knowledge.models import EventPage
from knowledge.selectors import published

RATE_LIMITED = _("Too many registrations were sent from your connection. Please try again in an hour.")


def _uncached(response):
    add_never_cache_headers(response)
    return response


def registration_form(request, event: EventPage):
    """The form: shown while registration is open, refused with the reason otherwise."""
    now = timezone.now()
    closed = services.registration_closed_reason(event, now=now)
    left = services.seats_left(event)
    if not closed and left == 0 and not event.waiting_list:
        closed = services.FULL
    form = RegistrationForm(request.POST or None, event=event) if not closed else None
    status = 200
    if request.method == "POST" and form is not None:
        valid = form.is_valid()
        if (valid or form.spam) and is_ratelimited(
            request,
            group="events.register",
            key="ip",
            rate=settings.EVENT_REGISTRATION_RATE,
            method="POST",
            increment=True,
        ):
            form.add_error(None, RATE_LIMITED)
            status = 429
        elif valid:
            try:
                registration = services.registration_submit(
                    event=event, registrant=form.registrant(), now=now
                )
            except services.RegistrationRefused as refused:
                form.add_error(refused.field, refused.message)
                status = 409
            else:
                token = services.registration_token(registration)
                return _uncached(redirect(event.url + event.reverse_subpage("registration", args=(token,))))
        else:
            status = 400
    context = {
        "page": event,
        "self": event,
        "form": form,
        "closed": closed,
        "deadline": services.registration_deadline(event),
        "days_left": services.days_left(event, now=now) if not closed else None,
        "seats_left": left,
        "full": left == 0,
    }
    return _uncached(TemplateResponse(request, "knowledge/event_registration.html", context, status=status))


def registration_manage(request, event: EventPage, token: str):
    """The registrant's page from the link in their e-mails: status, details, and cancelling."""
    registration = services.registration_by_token(event, token)
    if registration is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration)
        except services.RegistrationRefused as refused:
            error = refused.message
        else:
            return _uncached(redirect(request.path + "?anulowano=1"))
    context = {
        "page": event,
        "self": event,
        "registration": registration,
        "error": error,
        "just_cancelled": request.GET.get("anulowano") == "1",
        "can_cancel": registration.status not in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)
        and event.start > timezone.now(),
    }
    return _uncached(TemplateResponse(request, "knowledge/event_registration_status.html", context))


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def event_ics(request, event: EventPage):
    return _ics_response(events_ics([event]), f"{event.slug}.ics")


def events_feed(request):
    """All published events, past and upcoming, as one subscribable calendar."""
    events = published(EventPage).order_by("start")
    return _ics_response(events_ics(events), "wydarzenia.ics")


def event_calendar(request, index, *, year=None, month=None):
    """One month of events as a table; without a month in the URL, the current one."""
    today = timezone.localdate()
    year, month = (year, month) if year else (today.year, today.month)
    if not (1 <= month <= 12 and 1900 <= year <= 2100):
        raise Http404
    first = date(year, month, 1)
    previous = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    events = (
        published(EventPage, under_public_parent=True)
        .child_of(index)
        .filter(start__date__lt=following, end__date__gte=previous)
        .order_by("start")
    )
    weeks = month_grid(year, month, events)
    context = {
        "page": index,
        "self": index,
        "weeks": weeks,
        "month": first,
        "today": today,
        "events_in_month": sorted(
            {e for week in weeks for d in week if d.in_month for e in d.events}, key=lambda e: e.start
        ),
        "previous_url": index.url
        + index.reverse_subpage("calendar_month", args=(previous.year, previous.month)),
        "next_url": index.url
        + index.reverse_subpage("calendar_month", args=(following.year, following.month)),
    }
    return TemplateResponse(request, "knowledge/event_calendar.html", context)
