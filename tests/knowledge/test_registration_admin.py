"""Organisers in the admin: the registrations of an event, decisions, exports, messages, attendance list."""

import csv
import io

import pytest
from django.core import mail
from django.test import TestCase
from openpyxl import load_workbook

from knowledge import registration as services
from knowledge.choices import RegistrationApproval, RegistrationStatus
from tests.factories import MunicipalityFactory, UserFactory

from .conftest import NOW, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def event(open_event, gogolin):
    event = open_event(capacity=2, approval=RegistrationApproval.ORGANISER)
    opole = MunicipalityFactory(name="Opole", voivodeship="opolskie")
    for n, municipality in enumerate([gogolin, gogolin, opole]):
        services.registration_submit(
            event=event, registrant=person(municipality, n, first_name=f"Osoba{n}"), now=NOW
        )
    return event


def url(event, suffix=""):
    return f"/admin/events/{event.pk}/registrations/{suffix}"


@pytest.fixture
def editor(db, site):
    return UserFactory(username="redaktor-wydarzen", groups=["Editors"])


def test_editor_sees_the_list_with_counts_per_municipality_and_a_header_button(client, editor, event):
    client.force_login(editor)
    html = client.get(url(event)).content.decode()
    assert "Osoba0" in html and "Osoba2" in html
    assert "Registrations per municipality" in html
    assert '<th scope="row">Gogolin</th><td>2</td>' in html
    edit = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert url(event) in edit


def test_filters_narrow_the_list(client, editor, event):
    client.force_login(editor)
    html = client.get(url(event), {"q": "Osoba2"}).content.decode()
    assert "Osoba2" in html and "Osoba0" not in html


def test_confirm_many_respects_capacity_and_reject_tells_the_person(client, editor, event):
    client.force_login(editor)
    ids = list(event.registrations.order_by("pk").values_list("pk", flat=True))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url(event), {"ids": ids, "action": "confirm"}, follow=True)
    html = response.content.decode()
    assert "2 registrations changed." in html
    assert "There is no free place for Osoba2" in html
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url(event), {"ids": [ids[0]], "action": "reject"})
    statuses = list(event.registrations.order_by("pk").values_list("status", flat=True))
    assert statuses == [
        RegistrationStatus.REJECTED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.SUBMITTED,
    ]
    assert any("nie zostało przyjęte" in m.subject for m in mail.outbox)


def test_csv_and_xlsx_exports(client, editor, event):
    client.force_login(editor)
    event.registrations.filter(first_name="Osoba1").update(institution='=HYPERLINK("x")')
    response = client.get(url(event, "export.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 10  # the fixed columns; this event has no extra questions
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"Osoba0", "Osoba1", "Osoba2"}
    assert '\'=HYPERLINK("x")' in [r[2] for r in rows]  # no formula runs in the spreadsheet
    only_opole = client.get(
        url(event, "export.xlsx"), {"municipality": event.registrations.last().municipality_id}
    )
    sheet = load_workbook(io.BytesIO(only_opole.content)).active
    assert sheet.max_row == 2 and sheet["B2"].value == "Osoba2"


def test_message_to_confirmed_participants(client, editor, event):
    services.registrations_decide(
        event=event, ids=[event.registrations.first().pk], confirm=True, actor=editor
    )
    mail.outbox.clear()
    client.force_login(editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url(event, "message/"), {"subject": "Zmiana sali", "body": "Sala 12."})
    assert [m.subject for m in mail.outbox] == ["Zmiana sali"]


def test_printable_attendance_list_has_confirmed_people_only(client, editor, event):
    services.registrations_decide(
        event=event, ids=[event.registrations.first().pk], confirm=True, actor=editor
    )
    client.force_login(editor)
    html = client.get(url(event, "attendance/")).content.decode()
    assert "Osoba0" in html and "Osoba1" not in html and "@media print" in html


def test_people_who_cannot_edit_events_get_not_found(client, event):
    official = UserFactory(username="ktos", is_staff=True)
    client.force_login(official)
    for suffix in ("", "export.csv", "message/", "attendance/"):
        assert client.get(url(event, suffix)).status_code in (302, 403, 404)
