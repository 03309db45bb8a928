import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from wagtail.models import Page

from knowledge import models as km
from tests.factories import WARSAW

pytestmark = pytest.mark.django_db

# The day the demo content describes: the Opole meeting of 2023 is past, the Lublin forum of 2027 is open for
# registration. The event test runs on that day, so it keeps passing after the forum's deadline.
DEMO_DAY = dt.datetime(2026, 11, 24, 12, 0, tzinfo=WARSAW)


def test_demo_loads_twice_without_duplicates_and_serves_every_page(client):
    call_command("load_demo")
    counts = {m.__name__: m.objects.count() for m in km.KNOWLEDGE_PAGE_MODELS}
    total = Page.objects.count()
    call_command("load_demo")
    assert {m.__name__: m.objects.count() for m in km.KNOWLEDGE_PAGE_MODELS} == counts
    assert Page.objects.count() == total

    assert counts["TrainingMaterialPage"] >= 8
    assert counts["GoodPracticePage"] >= 6
    assert counts["LegalInterpretationPage"] >= 10
    gogolin = km.GoodPracticePage.objects.get(municipality__name="Gogolin")
    assert str(gogolin.established) == "2021-07-09" and gogolin.funding == "eu_project"
    assert km.GoodPracticePage.objects.get(municipality__name="Tarnów").funding == "own_budget"
    assert km.LegalInterpretationPage.objects.filter(
        status="superseded", superseded_by__isnull=False
    ).exists()
    assert km.NewsPage.objects.filter(date="2021-09-16").exists()
    opole = km.EventPage.objects.get(date="2023-04-27")
    assert opole.registration_deadline.date().isoformat() == "2023-04-20"
    assert km.GlossaryTerm.objects.filter(term__in=["CUS", "OPS", "IPUS", "CUW"]).count() == 4
    assert opole.attachments.exists()

    for page in Page.objects.live().filter(depth__gt=1).specific():
        assert client.get(page.url).status_code == 200, page.url


def test_demo_accounts_can_log_in_to_the_polish_admin(client):
    call_command("load_demo")
    assert client.login(username="admin", password="demo-haslo")
    html = client.get("/admin/").content.decode()
    assert 'lang="pl"' in html
    assert client.login(username="redaktor", password="demo-haslo")
    assert client.get("/admin/").status_code == 200


@time_machine.travel(DEMO_DAY, tick=True)
def test_demo_events_show_a_closed_an_open_and_a_full_registration(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # reads English messages
    call_command("load_demo")
    call_command("load_demo")
    opole = km.EventPage.objects.get(slug="rops-opole-spotkanie-informacyjne-cus-2023")
    forum = km.EventPage.objects.get(slug="forum-centrow-uslug-spolecznych-lublin-2027")
    webinar = km.EventPage.objects.get(slug="webinarium-ipus-w-praktyce-2027")
    assert opole.approval == "organiser" and opole.attachments.count() == 2  # programme and form
    assert opole.registrations.count() == 3 and not opole.registrations.exclude(email="").exists()
    closed = client.get(opole.url + "rejestracja/").content.decode()
    assert "The registration deadline has passed." in closed and 'name="email"' not in closed
    assert 'name="email"' in client.get(forum.url + "rejestracja/").content.decode()
    assert forum.questions.count() == 3
    statuses = sorted(webinar.registrations.values_list("status", flat=True))
    assert statuses == ["confirmed"] * 3 + ["waitlisted"] * 2
    assert "All places are taken" in client.get(webinar.url + "rejestracja/").content.decode()


@time_machine.travel(dt.datetime(2027, 6, 15, 12, 0, tzinfo=WARSAW), tick=True)
def test_demo_loaded_after_its_day_keeps_the_upcoming_events_ahead(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    call_command("load_demo")
    pages = Page.objects.count()
    forum = km.EventPage.objects.get(slug="forum-centrow-uslug-spolecznych-lublin-2027")
    webinar = km.EventPage.objects.get(slug="webinarium-ipus-w-praktyce-2027")
    conference = km.EventPage.objects.get(slug="konferencja-dostepnosc-uslug-spolecznych-2027")
    # Both deadlines had passed: a year of 52 weeks later, on the same weekday, with the year in the title.
    assert forum.start.astimezone(WARSAW).date() == dt.date(2028, 5, 18)
    assert forum.start.weekday() == dt.date(2027, 5, 20).weekday()
    assert forum.registration_deadline.astimezone(WARSAW).date() == dt.date(2028, 5, 5)
    assert forum.title == "Forum Centrów Usług Społecznych – Lublin 2028"
    assert 'name="email"' in client.get(forum.url + "rejestracja/").content.decode()
    assert "All places are taken" in client.get(webinar.url + "rejestracja/").content.decode()
    # Still ahead of the day: left as written.
    assert conference.start.astimezone(WARSAW).date() == dt.date(2027, 10, 7)

    call_command("load_demo")
    assert Page.objects.count() == pages
    forum.refresh_from_db()
    assert forum.start.astimezone(WARSAW).date() == dt.date(2028, 5, 18)
