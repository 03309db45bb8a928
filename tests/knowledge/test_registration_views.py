"""Registering as a visitor does: the form, its errors, spam traps, links and calendar files."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from knowledge.choices import QuestionKind, RegistrationStatus
from knowledge.models import EventQuestion, Registration
from tests.factories import EVENT_YEAR, WARSAW

from .conftest import CLAUSE, form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def form_url(event):
    return event.url + "rejestracja/"


def future_event(open_event, **fields):
    start = timezone.now() + dt.timedelta(days=10)
    fields.setdefault("start", start)
    fields.setdefault("end", start + dt.timedelta(hours=3))
    fields.setdefault("registration_deadline", timezone.now() + dt.timedelta(days=5, hours=1))
    return open_event(**fields)


class TestForm:
    def test_form_shows_the_clause_the_countdown_and_is_never_cached(self, client, open_event):
        event = future_event(open_event, capacity=30)
        response = client.get(form_url(event))
        html = response.content.decode()
        assert response.status_code == 200
        assert CLAUSE in html
        assert "Registration closes in 5 days" in html
        assert "30 places left." in html
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        # The event page itself (cached) shows the deadline and links to the form.
        page = client.get(event.url).content.decode()
        assert form_url(event) in page

    def test_registering_confirms_sends_the_email_and_the_link_cancels(self, client, open_event, gogolin):
        event = future_event(open_event, capacity=30)
        response = client.post(form_url(event), form_data(gogolin))
        assert response.status_code == 302
        status_page = client.get(response["Location"])
        assert "Your place is confirmed" in status_page.content.decode()
        [message] = mail.outbox
        link = re.search(r"http://testserver(\S+/rejestracja/zgloszenie/\S+/)", message.body).group(1)
        assert link == response["Location"]
        cancelled = client.post(link, follow=True)
        assert "Your registration has been cancelled." in cancelled.content.decode()
        assert Registration.objects.get().status == RegistrationStatus.CANCELLED

    def test_invalid_input_comes_back_with_messages_and_what_was_typed(self, client, open_event, gogolin):
        event = future_event(open_event)
        response = client.post(form_url(event), form_data(gogolin, email="nie-adres", consent=""))
        html = response.content.decode()
        assert response.status_code == 400
        assert 'id="error-summary"' in html and 'href="#id_email"' in html and 'href="#id_consent"' in html
        assert 'value="Kowalska 1"' in html and 'value="nie-adres"' in html
        assert not Registration.objects.exists()

    def test_a_second_registration_of_one_address_is_explained(self, client, open_event, gogolin):
        event = future_event(open_event)
        client.post(form_url(event), form_data(gogolin, 1, email="jan@gmina.example.pl"))
        response = client.post(form_url(event), form_data(gogolin, 2, email="JAN@gmina.example.pl"))
        assert response.status_code == 409
        assert (
            "already registered" in response.content.decode() or "zarejestrowany" in response.content.decode()
        )
        assert Registration.objects.count() == 1

    def test_after_the_deadline_the_form_is_gone_and_posts_are_refused(self, client, open_event, gogolin):
        event = future_event(open_event, registration_deadline=timezone.now() - dt.timedelta(minutes=1))
        page = client.get(form_url(event)).content.decode()
        assert 'name="email"' not in page
        client.post(form_url(event), form_data(gogolin))
        assert not Registration.objects.exists()

    def test_when_registration_is_closed_nothing_is_accepted(self, client, open_event, gogolin):
        event = future_event(open_event, registration_enabled=False)
        client.post(form_url(event), form_data(gogolin))
        assert not Registration.objects.exists()

    def test_honeypot_and_instant_posts_are_refused(self, client, open_event, gogolin):
        from portal.spam import started_token

        event = future_event(open_event)
        bot = client.post(form_url(event), form_data(gogolin, 1, website="http://spam.example"))
        fast = client.post(
            form_url(event), form_data(gogolin, 2, started=started_token("knowledge.registration.started"))
        )
        forged = client.post(form_url(event), form_data(gogolin, 3, started="123"))
        assert {bot.status_code, fast.status_code, forged.status_code} == {400}
        assert not Registration.objects.exists()

    @override_settings(EVENT_REGISTRATION_RATE="3/h")
    def test_rate_limit_per_client(self, client, open_event, gogolin):
        event = future_event(open_event)
        codes = [client.post(form_url(event), form_data(gogolin, n)).status_code for n in range(4)]
        assert codes == [302, 302, 302, 429]
        assert Registration.objects.count() == 3

    def test_extra_questions_are_asked_and_stored(self, client, open_event, gogolin):
        event = future_event(open_event)
        EventQuestion.objects.create(page=event, label="Czy potrzebujesz noclegu?", kind=QuestionKind.YES_NO)
        diet = EventQuestion.objects.create(
            page=event,
            label="Posiłek",
            kind=QuestionKind.CHOICE,
            choices="tradycyjny\nwegetariański",
            required=True,
        )
        EventQuestion.objects.create(page=event, label="Pytanie do prelegentów", kind=QuestionKind.TEXT)
        html = client.get(form_url(event)).content.decode()
        assert "<legend>Posiłek" in html and "<fieldset" in html
        missing = client.post(form_url(event), form_data(gogolin))
        assert missing.status_code == 400 and f'href="#id_question_{diet.pk}"' in missing.content.decode()
        answers = {
            f"question_{q.pk}": a for q, a in zip(event.questions.all(), ["yes", "wegetariański", "Ile?"])
        }
        client.post(form_url(event), form_data(gogolin, **answers))
        assert [a["answer"] for a in Registration.objects.get().answers] == [
            "yes",
            "wegetariański",
            "Ile?",
        ]

    def test_a_forged_link_is_not_found(self, client, open_event):
        event = future_event(open_event)
        assert client.get(form_url(event) + "zgloszenie/abc/").status_code == 404


class TestEventPage:
    def test_hybrid_event_explains_both_ways_of_taking_part(self, client, make):
        event = make.event(mode="hybrid", online_url="https://spotkania.example.org/cus")
        html = client.get(event.url).content.decode()
        assert "Taking part in person or online" in html
        assert "https://spotkania.example.org/cus" in html

    def test_closed_registration_shows_its_date_and_no_form_link(self, client, open_event):
        event = open_event(registration_deadline=dt.datetime(2023, 4, 20, 23, 59, tzinfo=WARSAW))
        html = client.get(event.url).content.decode()
        assert "Registration closed on 20" in html and form_url(event) not in html


class TestCalendars:
    def test_ics_of_one_event_and_the_feed_of_all(self, client, make):
        event = make.event(
            title="Spotkanie w Opolu",
            start=dt.datetime(EVENT_YEAR, 4, 27, 10, 0, tzinfo=WARSAW),
            end=dt.datetime(EVENT_YEAR, 4, 27, 13, 30, tzinfo=WARSAW),
        )
        one = client.get(event.url + "ical/")
        assert one["Content-Type"].startswith("text/calendar")
        body = one.content.decode()
        assert "SUMMARY:Spotkanie w Opolu" in body and "DTSTART" in body and f"{EVENT_YEAR}0427" in body
        feed = client.get("/feeds/wydarzenia.ics").content.decode()
        assert feed.count("BEGIN:VEVENT") == 1

    def test_month_calendar_is_a_table_with_the_events_of_the_month(self, client, make, sections):
        from knowledge.models import EventIndexPage

        make.event(
            title="Kwietniowe",
            start=dt.datetime(EVENT_YEAR, 4, 27, 10, 0, tzinfo=WARSAW),
            end=dt.datetime(EVENT_YEAR, 4, 27, 12, 0, tzinfo=WARSAW),
        )
        make.event(
            title="Majowe",
            start=dt.datetime(EVENT_YEAR, 5, 5, 10, 0, tzinfo=WARSAW),
            end=dt.datetime(EVENT_YEAR, 5, 5, 12, 0, tzinfo=WARSAW),
        )
        index = sections[EventIndexPage]
        html = client.get(index.url + f"kalendarz/{EVENT_YEAR}/4/").content.decode()
        assert "<table" in html and "<caption>" in html and 'scope="col"' in html
        assert "Kwietniowe" in html and "Majowe" not in html
        assert index.url + f"kalendarz/{EVENT_YEAR}/5/" in html
        assert client.get(index.url + f"kalendarz/{EVENT_YEAR}/13/").status_code == 404
