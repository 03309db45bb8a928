"""Events as calendars: iCalendar files (one event, the feed of all) and the month grid of the listing."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from knowledge.choices import EventMode


def _event_url(event) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + event.get_url(current_site=event.get_site())


def _vevent(event) -> icalendar.Event:
    url = _event_url(event)
    item = icalendar.Event()
    # A stable identifier, so calendars update the entry when the event changes instead of adding another.
    item.add("uid", f"event-{event.pk}@{urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname}")
    item.add("dtstamp", event.last_published_at or timezone.now())
    item.add("dtstart", event.start)
    item.add("dtend", event.end)
    item.add("summary", event.title)
    description = [event.summary, url]
    if event.mode != EventMode.IN_PERSON and event.online_url:
        description.append(event.online_url)
    item.add("description", "\n\n".join(d for d in description if d))
    if event.mode == EventMode.ONLINE:
        item.add("location", event.online_url)
    elif event.venue:
        item.add("location", " ".join(event.venue.split()))
    item.add("url", url)
    return item


def events_ics(events) -> bytes:
    """An iCalendar file (RFC 5545) with the given events."""
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.WAGTAIL_SITE_NAME}//events//PL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", settings.WAGTAIL_SITE_NAME)
    for event in events:
        cal.add_component(_vevent(event))
    return cal.to_ical()


@dataclass
class Day:
    day: date
    in_month: bool
    events: list = field(default_factory=list)


def month_grid(year: int, month: int, events) -> list[list[Day]]:
    """Weeks (Monday first) of the month with each day's events, in Warsaw time; days of the
    neighbouring months fill the first and last week."""
    weeks = [
        [Day(day=d, in_month=d.month == month) for d in week]
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    by_day = {d.day: d for week in weeks for d in week}
    for event in events:
        first = timezone.localtime(event.start).date()
        last = timezone.localtime(event.end).date()
        for cell in by_day.values():
            if first <= cell.day <= last:
                cell.events.append(event)
    return weeks
