"""Registering for an event in a real browser, receiving the confirmation e-mail, cancelling from its link."""

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from knowledge.choices import RegistrationStatus
from knowledge.models import Municipality, Registration
from tests.browser.conftest import FOCUSED_IS_VISIBLE, polish, snap, tab_to
from tests.factories import EVENT_YEAR, WARSAW, MunicipalityFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CLAUSE = "Administratorem danych jest organizator. Dane przetwarzamy tylko w celu organizacji spotkania."


@pytest.fixture
def event(make, settings):
    # The browser fills the form faster than a person; the minimum time is tested without a browser.
    settings.EVENT_REGISTRATION_MIN_SECONDS = 0
    MunicipalityFactory(name="Gogolin", voivodeship="opolskie")
    return make.event(
        title="Spotkanie informacyjne o tworzeniu CUS",
        start=dt.datetime(EVENT_YEAR, 4, 27, 10, 0, tzinfo=WARSAW),
        end=dt.datetime(EVENT_YEAR, 4, 27, 13, 30, tzinfo=WARSAW),
        registration_enabled=True,
        registration_deadline=dt.datetime(EVENT_YEAR, 4, 20, 23, 59, tzinfo=WARSAW),
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


def test_registering_with_the_keyboard_only(page, event):
    MunicipalityFactory(name="Dobrodzień", voivodeship="opolskie")
    gogolin = Municipality.objects.get(name="Gogolin")
    submit = "main form button[type=submit]"

    page.goto(event.url)
    tab_to(page, f'main a[href="{event.url}rejestracja/"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(f"{event.url}rejestracja/") + "$"))
    expect(page.locator("h1")).to_contain_text(event.title)

    # Field after field in reading order; the institution is left empty on purpose.
    tab_to(page, "#id_first_name")
    page.keyboard.type("Joanna")
    tab_to(page, "#id_last_name", limit=1)
    page.keyboard.type("Wieczorek")
    tab_to(page, "#id_institution", limit=1)
    tab_to(page, "#id_position", limit=1)
    page.keyboard.type("kierowniczka")
    tab_to(page, "#id_municipality", limit=1)
    page.keyboard.type("Gog")  # typing on a closed list picks the first option that starts so
    expect(page.locator("#id_municipality")).to_have_value(str(gogolin.pk))
    tab_to(page, "#id_email", limit=1)
    page.keyboard.type("joanna.wieczorek@gogolin.example.pl")
    tab_to(page, "#id_consent")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    # The hidden spam trap takes no stop: the consent is followed by the button.
    tab_to(page, submit, limit=1)
    page.keyboard.press("Enter")

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    institution = page.locator("#id_institution")
    expect(institution).to_have_attribute("aria-invalid", "true")
    expect(institution).to_have_attribute("aria-describedby", re.compile(r"\bid_institution_error\b"))
    expect(page.locator("#id_institution_error")).to_be_visible()
    # What was typed and chosen is still there.
    expect(page.locator("#id_first_name")).to_have_value("Joanna")
    expect(page.locator("#id_municipality")).to_have_value(str(gogolin.pk))
    expect(page.locator("#id_consent")).to_be_checked()
    snap(page, "event-registration-keyboard-errors")

    # The summary's link leads to the empty field.
    tab_to(page, '#error-summary a[href="#id_institution"]', limit=3)
    page.keyboard.press("Enter")
    expect(institution).to_be_focused()
    assert page.evaluate(FOCUSED_IS_VISIBLE), "no visible focus on the institution field after the error link"
    page.keyboard.type("Ośrodek Pomocy Społecznej w Gogolinie")
    tab_to(page, submit)
    # Back one step to check the consent before sending.
    tab_to(page, "#id_consent", key="Shift+Tab", limit=1)
    expect(page.locator("#id_consent")).to_be_checked()
    tab_to(page, submit, limit=1)
    page.keyboard.press("Enter")

    # The browser carries the #id_institution fragment across the redirect, as it does for any redirect.
    expect(page).to_have_url(re.compile(r"/rejestracja/zgloszenie/[^/]+/(#id_institution)?$"))
    expect(page.locator("main").get_by_role("status")).to_contain_text(
        polish("Your place is confirmed. We have sent the details to your e-mail address.")
    )
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.institution == "Ośrodek Pomocy Społecznej w Gogolinie"
    assert registration.municipality == gogolin
    assert [m.to for m in mail.outbox] == [["joanna.wieczorek@gogolin.example.pl"]]
