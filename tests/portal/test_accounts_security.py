"""Two-factor authentication (portal and admin), password reset and change, and the personal data export."""

import datetime as dt
import json
import re
import time

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone, translation
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.models import Consultation, Message, PrivacyClause
from tests.factories import OfficialFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    """These tests read the English interface (language cookie), independent of the Polish catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


class CommittingClient(Client):
    """Runs the on-commit callbacks of each request when it ends, as a real commit would."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture(autouse=True)
def _no_code_throttling(settings):
    # django-otp slows down retries after a wrong code; the tests retry at once on purpose.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def next_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows next for this device (never one the device already used)."""
    device.refresh_from_db()
    now_step = int((time.time() - device.t0) // device.step)
    step = max(now_step, device.last_t + 1)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    totp.time = device.t0 + step * device.step + 1
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(next_code(device)) + 1) % 1_000_000:06d}"


@pytest.fixture
def editor(db):
    return UserFactory(username="redaktor2fa", email="redaktor2fa@cus.example.pl", is_superuser=True)


@pytest.fixture
def device(editor):
    return TOTPDevice.objects.create(user=editor, name="portal", confirmed=True)


def signed_in(client):
    return "_auth_user_id" in client.session


# Two-factor set-up


def test_setup_shows_a_server_drawn_qr_code_and_the_key_and_needs_a_valid_code(client, editor):
    client.force_login(editor)
    page = client.get("/konto/2fa/").content.decode()
    assert "<svg" in page and "<path" in page
    pending = TOTPDevice.objects.get(user=editor, confirmed=False)
    secret = re.search(r'<code class="account__secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(secret.replace(" ", "")) == 32
    assert client.get("/konto/2fa/").content.decode().count(secret) == 1  # the same key until confirmed

    refused = client.post("/konto/2fa/", {"action": "enable", "code": wrong_code(pending)})
    assert "This code is not valid" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()

    response = client.post("/konto/2fa/", {"action": "enable", "code": next_code(pending)}, follow=True)
    assert "Two-factor authentication is on." in response.content.decode()
    assert TOTPDevice.objects.get(user=editor).confirmed
    # The code just given counts for this session: the admin opens without asking again.
    assert client.get("/admin/").status_code == 200


def test_switching_off_needs_a_current_code(client, editor, device):
    client.force_login(editor)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert "Two-factor authentication is on" in client.get("/konto/2fa/").content.decode()
    client.post("/konto/2fa/", {"action": "disable", "code": wrong_code(device)})
    assert TOTPDevice.objects.filter(user=editor).exists()
    client.post("/konto/2fa/", {"action": "disable", "code": next_code(device)})
    assert not TOTPDevice.objects.filter(user=editor).exists()


# Backup codes


BACKUP_CODE = re.compile(r"<code>(\d{4} \d{4})</code>")


def sign_in_with_code(client, code: str):
    from django.conf import settings

    client.logout()  # drops every cookie, the language one too
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/konto/logowanie/", {"login": "redaktor2fa", "password": "haslo-testowe"})
    return client.post("/konto/logowanie/kod/", {"code": code})


def test_switching_on_shows_backup_codes_once_and_each_signs_in_once(client, editor):
    client.force_login(editor)
    client.get("/konto/2fa/?next=/admin/")
    pending = TOTPDevice.objects.get(user=editor)
    page = client.post("/konto/2fa/?next=/admin/", {"action": "enable", "code": next_code(pending)})
    html = page.content.decode()
    codes = BACKUP_CODE.findall(html)
    assert page.status_code == 200 and len(set(codes)) == 10
    assert 'href="/admin/"' in html  # on to where the set-up was asked for
    assert not BACKUP_CODE.findall(client.get("/konto/2fa/").content.decode())  # shown that once

    done = sign_in_with_code(client, codes[3])
    assert done.status_code == 302 and signed_in(client)
    assert "9 are left" in client.get(done["Location"], follow=True).content.decode()
    refused = sign_in_with_code(client, codes[3])
    assert "This code is not valid" in refused.content.decode() and not signed_in(client)
    assert sign_in_with_code(client, codes[4].replace(" ", "")).status_code == 302  # typed without the space
    lettered = sign_in_with_code(client, "ABCD 1234").content.decode()
    assert "Codes are digits only: six from the app, or the eight of a backup code." in lettered


def test_new_backup_codes_replace_the_old_and_switching_off_removes_them(client, editor, device):
    from portal.accounts.two_factor import backup_codes_issue

    old = backup_codes_issue(user=editor)
    client.force_login(editor)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert "You have 10 unused backup codes" in client.get("/konto/2fa/").content.decode()
    refused = client.post("/konto/2fa/", {"action": "backup", "backup-code": wrong_code(device)})
    assert "This code is not valid" in refused.content.decode() and not BACKUP_CODE.findall(
        refused.content.decode()
    )
    new = BACKUP_CODE.findall(
        client.post("/konto/2fa/", {"action": "backup", "backup-code": old[0]}).content.decode()
    )
    assert len(new) == 10 and not set(new) & set(old)
    assert "This code is not valid" in sign_in_with_code(client, old[1]).content.decode()
    assert sign_in_with_code(client, new[0]).status_code == 302

    client.post("/konto/2fa/", {"action": "disable", "code": new[1]})
    assert not user_has_device(editor)
    assert "Two-factor authentication is off" in client.get("/konto/", follow=True).content.decode()


# Signing in with a second step


def test_portal_login_asks_for_the_code_before_signing_in(client, editor, device):
    response = client.post(
        "/konto/logowanie/",
        {"login": "REDAKTOR2FA@cus.example.pl", "password": "haslo-testowe", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/konto/logowanie/kod/"
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith("/konto/logowanie/")

    step = client.get("/konto/logowanie/kod/").content.decode()
    assert 'autocomplete="one-time-code"' in step
    refused = client.post("/konto/logowanie/kod/", {"code": wrong_code(device)})
    assert "This code is not valid" in refused.content.decode()
    assert not signed_in(client)

    done = client.post("/konto/logowanie/kod/", {"code": next_code(device)})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_wrong_codes_count_towards_the_lockout(client, editor, device, settings):
    settings.ACCOUNT_LOCKOUT_FAILURES = 2
    client.post("/konto/logowanie/", {"login": "redaktor2fa", "password": "haslo-testowe"})
    client.post("/konto/logowanie/kod/", {"code": wrong_code(device)})
    locked = client.post("/konto/logowanie/kod/", {"code": wrong_code(device)}).content.decode()
    assert "blocked for 15 minutes" in locked
    still = client.post("/konto/logowanie/kod/", {"code": next_code(device)}).content.decode()
    assert "blocked for 15 minutes" in still
    assert not signed_in(client)


def test_code_step_without_a_password_first_goes_back_to_login(client):
    response = client.get("/konto/logowanie/kod/")
    assert response.status_code == 302 and response["Location"] == "/konto/logowanie/"


def test_anonymous_admin_visitors_are_sent_to_the_portal_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/logowanie/?next=/admin/"


def test_admin_login_pages_lead_to_the_portal_login(client, editor, device):
    for path in ("/admin/login/?next=/admin/pages/", "/django-admin/login/?next=/django-admin/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/logowanie/?next=%2F")
    client.post("/admin/login/", {"username": "redaktor2fa", "password": "haslo-testowe"})
    assert not signed_in(client)  # the admin's own form, which knows no lockout or code, is never reached


def test_a_session_without_the_code_is_held_at_the_code_step(client, editor, device):
    client.force_login(editor)  # e.g. a session from before the device was confirmed
    for path in ("/admin/", "/admin/pages/", "/django-admin/", "/konto/moje-dane/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/konto/logowanie/kod/?next="), path
    done = client.post("/konto/logowanie/kod/?next=/admin/pages/", {"code": next_code(device)})
    assert done["Location"] == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_staff_can_be_required_to_set_up_two_factor(client, settings, editor):
    settings.ACCOUNT_REQUIRE_2FA_FOR_STAFF = True
    official = OfficialFactory()
    client.force_login(editor)
    response = client.get("/admin/")
    assert response["Location"] == "/konto/2fa/?next=%2Fadmin%2F"
    page = client.get("/konto/2fa/").content.decode()
    assert "Staff accounts must use two-factor authentication" in page
    pending = TOTPDevice.objects.get(user=editor)
    client.post("/konto/2fa/", {"action": "enable", "code": next_code(pending)})
    assert client.get("/admin/").status_code == 200
    refused = client.post("/konto/2fa/", {"action": "disable", "code": next_code(pending)})
    assert "cannot be switched off" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    client.force_login(official.user)
    assert client.get("/konto/").status_code == 200  # officials are not staff


# Password reset and change


def test_password_reset_mails_a_one_time_link(client):
    official = OfficialFactory(user__username="ewa@gogolin.pl")
    response = client.post("/konto/haslo/reset/", {"email": "EWA@gogolin.pl"})
    assert response["Location"] == "/konto/haslo/reset/wyslano/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ewa@gogolin.pl"]
    link = re.search(r"https?://[^/\s]+(/konto/haslo/reset/\S+/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert "Set a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    new = "Nowe-Haslo-Gogolin-7"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/konto/haslo/reset/gotowe/"
    official.user.refresh_from_db()
    assert official.user.check_password(new)
    assert "has already been used" in client.get(link, follow=True).content.decode()
    assert client.post("/konto/logowanie/", {"login": "ewa@gogolin.pl", "password": new}).status_code == 302


def test_password_reset_answers_the_same_for_unknown_addresses(client):
    response = client.post("/konto/haslo/reset/", {"email": "nikt@gogolin.pl"})
    assert response["Location"] == "/konto/haslo/reset/wyslano/"
    assert mail.outbox == []


def test_password_reset_is_rate_limited(client, settings):
    settings.ACCOUNT_PASSWORD_RESET_RATE = "2/h"
    for _ in range(2):
        client.post("/konto/haslo/reset/", {"email": "nikt@gogolin.pl"})
    assert client.post("/konto/haslo/reset/", {"email": "nikt@gogolin.pl"}).status_code == 429


def test_signed_in_user_changes_password(client):
    official = OfficialFactory()
    client.force_login(official.user)
    new = "Zmienione-Haslo-2026"
    response = client.post(
        "/konto/haslo/zmiana/", {"old_password": "haslo-testowe", "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == "/konto/haslo/zmiana/gotowe/"
    official.user.refresh_from_db()
    assert official.user.check_password(new)
    assert signed_in(client)


# Personal data export (RODO)


def make_case(official, number=1):
    clause, _ = PrivacyClause.objects.get_or_create(
        version="2026-01", defaults={"text": "Klauzula", "published_at": timezone.now()}
    )
    return Consultation.objects.create(
        year=2026,
        sequence=number,
        number=f"KONS/2026/{number:05d}",
        municipality=official.municipality,
        requester=official.user,
        category="legal",
        title="Czy gmina może powierzyć usługi?",
        question="Pytanie o art. 30 ustawy.",
        privacy_clause=clause,
        submitted_at=timezone.now(),
        due_date=timezone.localdate() + dt.timedelta(days=14),
    )


def test_data_export_contains_the_account_official_record_and_cases(client):
    official = OfficialFactory(
        user__username="ewa@gogolin.pl", user__first_name="Ewa", position="dyrektor CUS"
    )
    case = make_case(official)
    lawyer = UserFactory(username="prawnik-x")
    now = timezone.now()
    Message.objects.create(
        consultation=case, author=official.user, kind="question", body="Moje pytanie", created_at=now
    )
    Message.objects.create(
        consultation=case, author=lawyer, kind="note", body="Notatka wewnętrzna", created_at=now
    )
    Message.objects.create(consultation=case, author=lawyer, kind="answer", body="Odpowiedź", created_at=now)
    other = OfficialFactory(municipality=official.municipality)
    make_case(other, number=2)

    client.force_login(official.user)
    response = client.get("/konto/moje-dane/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="moje-dane.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "ewa@gogolin.pl" and data["account"]["first_name"] == "Ewa"
    assert data["official"]["position"] == "dyrektor CUS"
    assert data["official"]["municipality"] == str(official.municipality)
    assert [c["number"] for c in data["consultations"]] == ["KONS/2026/00001"]
    bodies = [m["body"] for m in data["consultations"][0]["messages"]]
    assert bodies == ["Moje pytanie", "Odpowiedź"]  # internal notes are staff working papers, not shown
    assert "password" not in response.content.decode()


def test_data_export_needs_sign_in(client):
    response = client.get("/konto/moje-dane/")
    assert response.status_code == 302 and response["Location"].startswith("/konto/logowanie/")


def test_account_page_links_to_every_account_tool(client):
    official = OfficialFactory()
    client.force_login(official.user)
    page = client.get("/konto/").content.decode()
    for href in ("/konto/haslo/zmiana/", "/konto/2fa/", "/konto/moje-dane/", "/konsultacje/"):
        assert f'href="{href}"' in page
    assert "/konto/zatwierdzanie/" not in page
