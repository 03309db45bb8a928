"""Sign-up, e-mail verification, approval and sign-in of municipal officials, as a visitor meets them."""

import re
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, TestCase
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from consultations.models import Official, VerifiedDomain
from portal.accounts import tokens
from tests.factories import MunicipalityFactory, OfficialFactory, UserFactory

User = get_user_model()
PASSWORD = "Wrzos-2026-Lipiec"

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


@pytest.fixture
def gogolin(db):
    municipality = MunicipalityFactory(name="Gogolin", voivodeship="opolskie")
    VerifiedDomain.objects.create(municipality=municipality, domain="gogolin.pl")
    return municipality


@pytest.fixture
def coordinator(db):
    return UserFactory(
        username="koordynator", email="koordynator@cus.example.pl", is_staff=False, groups=["Coordinators"]
    )


def signup_data(municipality, **overrides):
    data = {
        "first_name": "Jan",
        "last_name": "Kowalski",
        "email": "Jan.Kowalski@gogolin.pl",
        "position": "kierownik OPS",
        "municipality": municipality.pk,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        "website": "",
        # Shown a minute ago: honest people take longer than the minimum fill time.
        "started": tokens.signup_started_token(time.time() - 60),
    }
    data.update(overrides)
    return data


def verification_link(message):
    return re.search(r"https?://\S+/konto/weryfikacja/\S+/", message.body).group(0)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def login(client, login, password=PASSWORD, next=None, **meta):
    data = {"login": login, "password": password}
    if next:
        data["next"] = next
    return client.post("/konto/logowanie/", data, **meta)


def after_login():
    """Where a sign-in lands by default: the consultations list once the desk is installed."""
    try:
        return reverse("consultation_list")
    except NoReverseMatch:
        return "/"


# Sign-up


def test_signup_page_has_labelled_fields_and_autocomplete(client, gogolin):
    html = client.get("/konto/rejestracja/").content.decode()
    for name, autocomplete in [
        ("first_name", "given-name"),
        ("last_name", "family-name"),
        ("email", "email"),
        ("position", "organization-title"),
        ("password1", "new-password"),
    ]:
        assert f'<label for="id_{name}"' in html
        assert re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*id="id_{name}"', html), name
    assert "Gogolin (opolskie)" in html
    assert 'aria-hidden="true"' in html  # the honeypot is hidden from people and screen readers


def test_signup_creates_an_inactive_unverified_account_and_mails_a_link(client, gogolin):
    response = client.post("/konto/rejestracja/", signup_data(gogolin))
    assert response.status_code == 302
    assert response["Location"] == "/konto/rejestracja/wyslano/"
    user = User.objects.get(username="jan.kowalski@gogolin.pl")
    assert user.email == "jan.kowalski@gogolin.pl"
    assert not user.is_active
    assert user.official.status == "unverified"
    assert user.official.municipality == gogolin
    assert user.official.position == "kierownik OPS"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jan.kowalski@gogolin.pl"]
    assert "/konto/weryfikacja/" in mail.outbox[0].body


def test_invalid_signup_keeps_what_was_typed_except_passwords(client, gogolin):
    data = signup_data(gogolin, password2="Inne-haslo-2026", consent="")
    response = client.post("/konto/rejestracja/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert 'href="#id_password2"' in html and 'href="#id_consent"' in html
    assert 'value="Jan"' in html and 'value="Kowalski"' in html and 'value="kierownik OPS"' in html
    assert 'value="jan.kowalski@gogolin.pl"' in html or 'value="Jan.Kowalski@gogolin.pl"' in html
    assert f'<option value="{gogolin.pk}" selected>' in html
    assert PASSWORD not in html
    assert not User.objects.filter(email__iexact="jan.kowalski@gogolin.pl").exists()
    assert mail.outbox == []


def test_signup_applies_django_password_validators(client, gogolin):
    response = client.post(
        "/konto/rejestracja/", signup_data(gogolin, password1="12345678", password2="12345678")
    )
    assert 'href="#id_password1"' in response.content.decode()
    assert not User.objects.filter(username="jan.kowalski@gogolin.pl").exists()


def test_signup_refuses_an_address_already_used_whatever_its_case(client, gogolin):
    OfficialFactory(user__username="jan.kowalski@gogolin.pl", municipality=gogolin)
    response = client.post("/konto/rejestracja/", signup_data(gogolin, email="JAN.KOWALSKI@GOGOLIN.PL"))
    assert 'href="#id_email"' in response.content.decode()
    assert User.objects.filter(email__iexact="jan.kowalski@gogolin.pl").count() == 1


def test_signup_honeypot_and_fill_time_stop_bots(client, gogolin):
    bot = client.post("/konto/rejestracja/", signup_data(gogolin, website="http://spam.example"))
    too_fast = client.post("/konto/rejestracja/", signup_data(gogolin, started=tokens.signup_started_token()))
    forged = client.post("/konto/rejestracja/", signup_data(gogolin, started="12345"))
    for response in (bot, too_fast, forged):
        assert response.status_code == 200
        assert 'class="error-summary"' in response.content.decode()
    assert "too quickly" in too_fast.content.decode()
    assert not User.objects.filter(username="jan.kowalski@gogolin.pl").exists()
    assert mail.outbox == []


def test_an_expired_signup_form_is_reshown_ready_to_send_again(client, gogolin, settings):
    settings.ACCOUNT_SIGNUP_MIN_SECONDS = 0
    stale = tokens.signup_started_token(time.time() - 2 * 24 * 60 * 60)
    response = client.post("/konto/rejestracja/", signup_data(gogolin, started=stale))
    html = response.content.decode()
    assert "The form has expired" in html and 'value="Kowalski"' in html
    fresh = re.search(r'name="started" value="([^"]+)"', html).group(1)
    assert fresh != stale
    again = client.post("/konto/rejestracja/", signup_data(gogolin, started=fresh))
    assert again.status_code == 302
    assert User.objects.filter(username="jan.kowalski@gogolin.pl").exists()


def test_signup_is_rate_limited_per_client_ip(client, gogolin, settings):
    settings.ACCOUNT_SIGNUP_RATE = "2/h"
    for n in range(2):
        response = client.post("/konto/rejestracja/", signup_data(gogolin, email=f"osoba{n}@gogolin.pl"))
        assert response.status_code == 302
    response = client.post("/konto/rejestracja/", signup_data(gogolin, email="osoba3@gogolin.pl"))
    assert response.status_code == 429
    assert 'value="osoba3@gogolin.pl"' in response.content.decode()
    assert not User.objects.filter(username="osoba3@gogolin.pl").exists()
    other_ip = client.post(
        "/konto/rejestracja/", signup_data(gogolin, email="osoba4@gogolin.pl"), REMOTE_ADDR="10.1.2.3"
    )
    assert other_ip.status_code == 302


# E-mail verification


def test_verification_on_a_verified_domain_activates_at_once(client, gogolin):
    client.post("/konto/rejestracja/", signup_data(gogolin))
    link = path_of(verification_link(mail.outbox[0]))
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my e-mail address" in page.content.decode()
    assert Official.objects.get().status == "unverified"  # opening the link alone changes nothing
    done = client.post(link)
    assert "your account is active" in done.content.decode()
    official = Official.objects.get()
    assert official.status == "active" and official.email_verified_at and official.approved_at
    assert official.user.is_active
    assert login(client, "JAN.KOWALSKI@gogolin.pl").status_code == 302


def test_verification_on_another_domain_waits_for_the_coordinators(client, gogolin, coordinator):
    client.post("/konto/rejestracja/", signup_data(gogolin, email="jan@poczta.example.pl"))
    done = client.post(path_of(verification_link(mail.outbox[0])))
    assert "The coordinator will now review your account" in done.content.decode()
    official = Official.objects.get()
    assert official.status == "pending" and not official.user.is_active
    notice = mail.outbox[-1]
    assert notice.to == ["koordynator@cus.example.pl"]
    assert "Jan Kowalski" in notice.subject and "Gogolin" in notice.subject
    assert "/konto/zatwierdzanie/" in notice.body


def test_verification_link_expires(client, gogolin, settings):
    client.post("/konto/rejestracja/", signup_data(gogolin))
    link = path_of(verification_link(mail.outbox[0]))
    settings.ACCOUNT_VERIFY_EMAIL_DAYS = 0
    time.sleep(1.1)  # signing timestamps have one-second resolution
    response = client.post(link)
    assert "This link has expired" in response.content.decode()
    assert Official.objects.get().status == "unverified"


def test_tampered_verification_link_is_refused(client, gogolin):
    client.post("/konto/rejestracja/", signup_data(gogolin))
    link = path_of(verification_link(mail.outbox[0]))
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = link.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    response = client.post(forged)
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert Official.objects.get().status == "unverified"


def test_resend_verification_says_the_same_for_any_address(client, gogolin):
    client.post("/konto/rejestracja/", signup_data(gogolin))
    known = client.post("/konto/weryfikacja/ponownie/", {"email": "jan.kowalski@gogolin.pl"})
    unknown = client.post("/konto/weryfikacja/ponownie/", {"email": "nikt@gogolin.pl"})
    assert known.content.decode().count("we have sent it a new link") == 1
    assert unknown.content.decode().count("we have sent it a new link") == 1
    assert [m.to for m in mail.outbox] == [["jan.kowalski@gogolin.pl"], ["jan.kowalski@gogolin.pl"]]


# Approval by a coordinator


@pytest.fixture
def pending(gogolin):
    return OfficialFactory(
        user__username="anna@poczta.example.pl",
        user__first_name="Anna",
        user__last_name="Zielińska",
        user__is_active=False,
        municipality=gogolin,
        status="pending",
    )


def test_coordinator_sees_pending_officials(client, coordinator, pending):
    client.force_login(coordinator)
    html = client.get("/konto/zatwierdzanie/").content.decode()
    for text in ("Anna Zielińska", "anna@poczta.example.pl", "inspektor", "Gogolin"):
        assert text in html
    assert "csrfmiddlewaretoken" in html


def test_approval_activates_the_account_mails_the_official_and_is_audited(client, coordinator, pending):
    client.force_login(coordinator)
    response = client.post(f"/konto/zatwierdzanie/{pending.pk}/zatwierdz/", follow=True)
    assert "Anna Zielińska can now sign in" in response.content.decode()
    pending.refresh_from_db()
    pending.user.refresh_from_db()
    assert pending.status == "active" and pending.user.is_active and pending.approved_by == coordinator
    assert mail.outbox[-1].to == ["anna@poczta.example.pl"]
    assert "/konto/logowanie/" in mail.outbox[-1].body
    assert LogEntry.objects.filter(user=coordinator, object_id=str(pending.pk)).exists()
    client.logout()
    assert login(client, "anna@poczta.example.pl", "haslo-testowe").status_code == 302


def test_rejection_needs_a_reason_and_mails_it(client, coordinator, pending):
    client.force_login(coordinator)
    url = f"/konto/zatwierdzanie/{pending.pk}/odrzuc/"
    response = client.post(url, {f"reject-{pending.pk}-reason": ""})
    assert 'class="error-summary"' in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.post(url, {f"reject-{pending.pk}-reason": "Adres spoza urzędu & brak potwierdzenia"})
    pending.refresh_from_db()
    assert pending.status == "rejected"
    assert "Adres spoza urzędu & brak potwierdzenia" in mail.outbox[-1].body
    assert LogEntry.objects.filter(object_id=str(pending.pk), change_message__contains="Adres spoza").exists()


def test_approval_is_hidden_from_everyone_but_coordinators(client, pending):
    official = OfficialFactory()
    editor = UserFactory(username="redaktor-x", groups=["Editors"])
    for user in (official.user, editor):
        client.force_login(user)
        assert client.get("/konto/zatwierdzanie/").status_code == 404
        assert client.post(f"/konto/zatwierdzanie/{pending.pk}/zatwierdz/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"
    client.logout()
    assert client.get("/konto/zatwierdzanie/").status_code == 302


def test_superuser_may_approve_and_decisions_need_post(client, pending):
    admin = UserFactory(username="admin-x", is_superuser=True)
    client.force_login(admin)
    assert client.get(f"/konto/zatwierdzanie/{pending.pk}/zatwierdz/").status_code == 405
    assert client.post(f"/konto/zatwierdzanie/{pending.pk}/zatwierdz/").status_code == 302
    pending.refresh_from_db()
    assert pending.status == "active"
    assert client.post(f"/konto/zatwierdzanie/{pending.pk}/zatwierdz/").status_code == 404


def test_approval_posts_need_a_csrf_token(coordinator, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.post(f"/konto/zatwierdzanie/{pending.pk}/zatwierdz/").status_code == 403


# Sign-in


def test_login_by_email_or_username_in_any_case(client):
    OfficialFactory(user__username="ewa@gogolin.pl")
    UserFactory(username="Redaktor.Ewa", email="ewa.redaktor@cus.example.pl")
    for identifier, password in [
        ("EWA@Gogolin.PL", "haslo-testowe"),
        ("redaktor.ewa", "haslo-testowe"),
        ("Ewa.Redaktor@CUS.example.pl", "haslo-testowe"),
    ]:
        response = login(client, identifier, password)
        assert response.status_code == 302, identifier
        assert response["Location"] == after_login()
        client.logout()


def test_login_follows_a_safe_next_only(client):
    OfficialFactory(user__username="ewa@gogolin.pl")
    assert login(client, "ewa@gogolin.pl", "haslo-testowe", next="/szukaj/")["Location"] == "/szukaj/"
    client.logout()
    response = login(client, "ewa@gogolin.pl", "haslo-testowe", next="https://evil.example/")
    assert response["Location"] == after_login()


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("unverified", "Verify your e-mail address first"),
        ("pending", "awaiting approval by the coordinator"),
        ("rejected", "did not approve this account"),
    ],
)
def test_login_explains_why_an_official_cannot_sign_in_yet(client, status, message):
    OfficialFactory(user__username="ewa@gogolin.pl", user__is_active=False, status=status)
    response = login(client, "ewa@gogolin.pl", "haslo-testowe")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_account_get_the_same_answer(client):
    OfficialFactory(user__username="ewa@gogolin.pl", status="pending", user__is_active=False)
    wrong = login(client, "ewa@gogolin.pl", "zle-haslo").content.decode()
    unknown = login(client, "nikt@gogolin.pl", "zle-haslo").content.decode()
    assert "The login or password is incorrect" in wrong
    assert "The login or password is incorrect" in unknown
    assert "awaiting approval" not in wrong  # the state is told only to whoever knows the password


def test_lockout_after_repeated_failures_blocks_even_the_right_password(client, settings):
    settings.ACCOUNT_LOCKOUT_FAILURES = 3
    settings.ACCOUNT_LOCKOUT_MINUTES = 15
    OfficialFactory(user__username="ewa@gogolin.pl")
    for _ in range(2):
        assert "The login or password is incorrect" in login(client, "ewa@gogolin.pl", "zle").content.decode()
    third = login(client, "EWA@gogolin.pl", "zle").content.decode()
    assert "blocked for 15 minutes" in third
    right = login(client, "ewa@gogolin.pl", "haslo-testowe")
    assert right.status_code == 200
    assert "blocked for 15 minutes" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_message_is_the_same_for_unknown_accounts(client, settings):
    settings.ACCOUNT_LOCKOUT_FAILURES = 2
    OfficialFactory(user__username="ewa@gogolin.pl")
    answers = []
    for identifier in ("ewa@gogolin.pl", "nikt@gogolin.pl"):
        for _ in range(2):
            response = login(client, identifier, "zle")
        answers.append(response.content.decode().replace(identifier, ""))
    assert "Signing in to this account is blocked" in answers[0]
    assert answers[0] == answers[1] or all("blocked for 15 minutes" in a for a in answers)


def test_successful_login_resets_the_failure_count(client, settings):
    settings.ACCOUNT_LOCKOUT_FAILURES = 3
    OfficialFactory(user__username="ewa@gogolin.pl")
    for _ in range(2):
        login(client, "ewa@gogolin.pl", "zle")
    assert login(client, "ewa@gogolin.pl", "haslo-testowe").status_code == 302
    client.logout()
    for _ in range(2):
        login(client, "ewa@gogolin.pl", "zle")
    assert login(client, "ewa@gogolin.pl", "haslo-testowe").status_code == 302


def test_login_is_rate_limited_per_ip(client, settings):
    settings.ACCOUNT_LOGIN_RATE = "3/m"
    settings.ACCOUNT_LOCKOUT_FAILURES = 100
    for n in range(3):
        assert login(client, f"ktos{n}@gogolin.pl", "zle").status_code == 200
    limited = login(client, "ktos9@gogolin.pl", "zle")
    assert limited.status_code == 429
    assert "Too many sign-in attempts" in limited.content.decode()
    assert login(client, "ktos9@gogolin.pl", "zle", REMOTE_ADDR="10.9.9.9").status_code == 200


def test_login_is_rate_limited_per_account_across_addresses(client, settings):
    settings.ACCOUNT_LOGIN_RATE = "3/m"
    settings.ACCOUNT_LOCKOUT_FAILURES = 100
    OfficialFactory(user__username="ewa@gogolin.pl")
    for n in range(3):
        login(client, "ewa@gogolin.pl", "zle", REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = login(client, "EWA@gogolin.pl", "haslo-testowe", REMOTE_ADDR="10.0.0.50")
    assert response.status_code == 429


def test_logout_needs_post_and_ends_the_session(client):
    official = OfficialFactory()
    client.force_login(official.user)
    assert client.get("/konto/wyloguj/").status_code == 405
    assert client.post("/konto/wyloguj/").status_code == 302
    assert "_auth_user_id" not in client.session


# Header


def test_header_offers_sign_in_to_visitors_and_the_account_to_members(client, site):
    anonymous = client.get("/").content.decode()
    assert 'href="/konto/logowanie/"' in anonymous and 'href="/konto/rejestracja/"' in anonymous
    assert "csrfmiddlewaretoken" not in anonymous.split('class="account-menu"')[1].split("</nav>")[0]
    official = OfficialFactory(user__first_name="Ewa", user__last_name="Lis")
    client.force_login(official.user)
    member = client.get("/").content.decode()
    menu = member.split('class="account-menu"')[1].split("</nav>")[0]
    assert "Ewa Lis" in menu and 'href="/konsultacje/"' in menu and 'href="/konto/"' in menu
    assert 'action="/konto/wyloguj/"' in menu and "csrfmiddlewaretoken" in menu
