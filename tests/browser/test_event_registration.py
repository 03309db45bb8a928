"""Registering for an event in a real browser, receiving the confirmation e-mail, cancelling from its link."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from knowledge.choices import RegistrationStatus
from knowledge.models import Registration
from tests.browser.conftest import snap
from tests.factories import WARSAW, MunicipalityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLAUSE = "Administratorem danych jest organizator. Dane przetwarzamy tylko w celu organizacji spotkania."


@pytest.fixture
def event(make, settings):
    # The browser fills the form faster than a person; the minimum time is tested without a browser.
    settings.EVENT_REGISTRATION_MIN_SECONDS = 0
    MunicipalityFactory(name="Gogolin", voivodeship="opolskie")
    return make.event(
        title="Spotkanie informacyjne o tworzeniu CUS",
        start=dt.datetime(2027, 4, 27, 10, 0, tzinfo=WARSAW),
        end=dt.datetime(2027, 4, 27, 13, 30, tzinfo=WARSAW),
        registration_enabled=True,
        registration_deadline=dt.datetime(2027, 4, 20, 23, 59, tzinfo=WARSAW),
        capacity=40,
        privacy_clause=CLAUSE,
    )


def test_register_receive_the_confirmation_and_cancel_from_the_email(page, event, live_server, settings):
    # The English interface, so the test reads the messages independently of the Polish catalogue.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}])
    page.goto(event.url)
    page.get_by_role("link", name="Register for this event").click()
    expect(page.locator("h1")).to_contain_text(event.title)
    expect(page.get_by_text(CLAUSE)).to_be_visible()

    page.get_by_label("First name").fill("Joanna")
    page.get_by_label("Last name").fill("Wieczorek")
    page.get_by_label("Institution").fill("Ośrodek Pomocy Społecznej w Gogolinie")
    page.get_by_label("Position").fill("kierowniczka")
    page.get_by_label("Municipality").select_option(label="Gogolin (opolskie)")
    page.get_by_label("E-mail address").fill("joanna.wieczorek@gogolin.example.pl")
    # Sending without the consent brings the form back with the typed values and a linked error.
    page.get_by_role("button", name="Send registration").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Joanna")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_consent")).to_be_focused()

    page.locator("#id_consent").check()
    snap(page, "event-registration-form")
    page.get_by_role("button", name="Send registration").click()
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()
    snap(page, "event-registration-confirmed")

    [message] = mail.outbox
    assert message.to == ["joanna.wieczorek@gogolin.example.pl"]
    assert message.attachments and message.attachments[0][0].endswith(".ics")
    link = re.search(r"https?://[^/\s]+(/\S+/rejestracja/zgloszenie/\S+/)", message.body).group(1)

    page.goto(link)
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.get_by_text("Your registration has been cancelled.")).to_be_visible()
    assert Registration.objects.get().status == RegistrationStatus.CANCELLED
