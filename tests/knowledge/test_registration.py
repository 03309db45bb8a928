"""The rules of event registration through the services: places, waiting list, deadlines, e-mails, privacy."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import TestCase, override_settings

from knowledge import registration as services
from knowledge import registration_mail
from knowledge.choices import RegistrationApproval, RegistrationStatus
from knowledge.models import Registration, RegistrationEmail
from tests.factories import EVENT_YEAR, WARSAW, MunicipalityFactory, UserFactory

from .conftest import NOW, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

Status = RegistrationStatus


def submit(event, registrant, now=NOW):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.registration_submit(event=event, registrant=registrant, now=now)


def statuses(event):
    return list(event.registrations.order_by("pk").values_list("status", flat=True))


class TestRegistering:
    def test_automatic_approval_confirms_at_once_and_sends_a_calendar_file(self, open_event, gogolin):
        event = open_event(capacity=10)
        registration = submit(event, person(gogolin, email="Anna.Kowalska@Gmina.example.pl"))
        assert registration.status == Status.CONFIRMED
        assert registration.email == "anna.kowalska@gmina.example.pl"
        assert registration.privacy_clause == event.privacy_clause
        [message] = mail.outbox
        assert message.to == ["anna.kowalska@gmina.example.pl"]
        assert "Potwierdzamy miejsce" in message.subject
        assert "/rejestracja/zgloszenie/" in message.body
        [(filename, content, mimetype)] = message.attachments
        assert filename.endswith(".ics") and mimetype == "text/calendar"
        assert "BEGIN:VEVENT" in content and event.title in content.replace("\r\n ", "")
        assert [h.to_status for h in registration.history.all()] == [Status.SUBMITTED, Status.CONFIRMED]

    def test_organiser_approval_waits_then_confirms_or_rejects(self, open_event, gogolin):
        event = open_event(approval=RegistrationApproval.ORGANISER)
        first, second = submit(event, person(gogolin, 1)), submit(event, person(gogolin, 2))
        assert [first.status, second.status] == [Status.SUBMITTED, Status.SUBMITTED]
        assert [m.subject.startswith("Otrzymaliśmy Twoje zgłoszenie") for m in mail.outbox] == [True, True]
        assert not any(m.attachments for m in mail.outbox)
        organiser = UserFactory()
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.registrations_decide(event=event, ids=[first.pk], confirm=True, actor=organiser, now=NOW)
            services.registrations_decide(
                event=event, ids=[second.pk], confirm=False, actor=organiser, now=NOW
            )
        assert statuses(event) == [Status.CONFIRMED, Status.REJECTED]
        assert "Potwierdzamy miejsce" in mail.outbox[0].subject and mail.outbox[0].attachments
        assert "nie zostało przyjęte" in mail.outbox[1].subject
        assert first.history.last().actor == organiser

    def test_a_full_event_puts_people_on_the_waiting_list(self, open_event, gogolin):
        event = open_event(capacity=2)
        for n in range(3):
            submit(event, person(gogolin, n))
        assert statuses(event) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
        assert "liście rezerwowej" in mail.outbox[-1].subject

    def test_a_full_event_without_a_waiting_list_refuses(self, open_event, gogolin):
        event = open_event(capacity=1, waiting_list=False)
        submit(event, person(gogolin, 1))
        with pytest.raises(services.RegistrationRefused) as refused:
            submit(event, person(gogolin, 2))
        assert refused.value.message == services.FULL
        assert event.registrations.count() == 1

    def test_the_same_address_cannot_register_twice(self, open_event, gogolin):
        event = open_event()
        submit(event, person(gogolin, 1, email="ta.sama@gmina.example.pl"))
        with pytest.raises(services.RegistrationRefused) as refused:
            submit(event, person(gogolin, 2, email="TA.SAMA@gmina.example.pl "))
        assert refused.value.field == "email"
        assert "already registered" in str(refused.value.message)
        assert event.registrations.count() == 1

    def test_the_database_refuses_a_second_live_registration_of_one_address(self, open_event, gogolin):
        event = open_event()
        first = submit(event, person(gogolin, 1))
        copy = {f.name: getattr(first, f.name) for f in Registration._meta.concrete_fields if f.name != "id"}
        with pytest.raises(IntegrityError), transaction.atomic():
            Registration.objects.create(**copy)

    def test_after_cancelling_the_same_address_may_register_again(self, open_event, gogolin):
        event = open_event()
        first = submit(event, person(gogolin, 1))
        services.registration_cancel(registration=first, now=NOW)
        again = submit(event, person(gogolin, 1))
        assert again.status == Status.CONFIRMED

    def test_no_registration_after_the_deadline(self, open_event, gogolin):
        event = open_event(registration_deadline=dt.datetime(EVENT_YEAR, 3, 1, 12, 0, tzinfo=WARSAW))
        submit(event, person(gogolin, 1), now=dt.datetime(EVENT_YEAR, 3, 1, 11, 59, tzinfo=WARSAW))
        with pytest.raises(services.RegistrationRefused) as refused:
            submit(event, person(gogolin, 2), now=dt.datetime(EVENT_YEAR, 3, 1, 12, 0, tzinfo=WARSAW))
        assert refused.value.message == services.DEADLINE_PASSED

    def test_without_a_deadline_registration_closes_when_the_event_starts(self, open_event, gogolin):
        event = open_event(registration_deadline=None)
        with pytest.raises(services.RegistrationRefused):
            submit(event, person(gogolin), now=event.start)

    def test_no_registration_when_closed(self, open_event, gogolin):
        event = open_event(registration_enabled=False)
        with pytest.raises(services.RegistrationRefused) as refused:
            submit(event, person(gogolin))
        assert refused.value.message == services.CLOSED

    def test_places_per_municipality(self, open_event, gogolin):
        event = open_event(places_per_municipality=2)
        submit(event, person(gogolin, 1))
        submit(event, person(gogolin, 2))
        with pytest.raises(services.RegistrationRefused) as refused:
            submit(event, person(gogolin, 3))
        assert refused.value.field == "municipality"
        # Another municipality still has its places.
        assert submit(event, person(MunicipalityFactory(), 4)).status == Status.CONFIRMED

    def test_days_left_counts_warsaw_calendar_days(self, open_event):
        event = open_event(registration_deadline=dt.datetime(EVENT_YEAR, 3, 5, 23, 59, tzinfo=WARSAW))
        assert services.days_left(event, now=dt.datetime(EVENT_YEAR, 3, 2, 23, 30, tzinfo=WARSAW)) == 3
        assert services.days_left(event, now=dt.datetime(EVENT_YEAR, 3, 5, 0, 1, tzinfo=WARSAW)) == 0


class TestPlacesAndWaitingList:
    def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(self, open_event, gogolin):
        event = open_event(capacity=1)
        holder = submit(event, person(gogolin, 1))
        first_waiting = submit(event, person(gogolin, 2))
        submit(event, person(gogolin, 3))
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.registration_cancel(registration=holder, now=NOW)
        assert statuses(event) == [Status.CANCELLED, Status.CONFIRMED, Status.WAITLISTED]
        [message] = mail.outbox
        assert message.to == [first_waiting.email]
        assert "Zwolniło się miejsce" in message.subject and message.attachments

    def test_a_rejected_participant_frees_the_place_too(self, open_event, gogolin):
        event = open_event(capacity=1)
        holder = submit(event, person(gogolin, 1))
        submit(event, person(gogolin, 2))
        services.registrations_decide(
            event=event, ids=[holder.pk], confirm=False, actor=UserFactory(), now=NOW
        )
        assert statuses(event) == [Status.REJECTED, Status.CONFIRMED]

    def test_the_organiser_cannot_confirm_beyond_capacity(self, open_event, gogolin):
        event = open_event(capacity=1, approval=RegistrationApproval.ORGANISER)
        ids = [submit(event, person(gogolin, n)).pk for n in range(3)]
        changed, problems = services.registrations_decide(
            event=event, ids=ids, confirm=True, actor=UserFactory(), now=NOW
        )
        assert changed == 1 and len(problems) == 2
        assert "There is no free place for Anna Kowalska 1" in problems[0]
        assert services.seats_taken(event) == 1

    def test_a_larger_capacity_fills_from_the_waiting_list(self, open_event, gogolin):
        event = open_event(capacity=1)
        for n in range(3):
            submit(event, person(gogolin, n))
        type(event).objects.filter(pk=event.pk).update(capacity=2)
        assert services.registrations_promote(now=NOW) == 1
        assert statuses(event) == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]

    def test_moves_outside_the_table_are_refused(self, open_event, gogolin):
        event = open_event()
        registration = submit(event, person(gogolin))
        services.registration_cancel(registration=registration, now=NOW)
        changed, problems = services.registrations_decide(
            event=event, ids=[registration.pk], confirm=True, actor=UserFactory(), now=NOW
        )
        assert changed == 0 and problems
        registration.refresh_from_db()
        assert registration.status == Status.CANCELLED

    def test_cancelling_after_the_start_is_refused(self, open_event, gogolin):
        event = open_event()
        registration = submit(event, person(gogolin))
        with pytest.raises(services.RegistrationRefused):
            services.registration_cancel(registration=registration, now=event.start)


class TestLinks:
    def test_a_link_opens_only_its_own_registration(self, open_event, gogolin):
        event, other = open_event(), open_event()
        registration = submit(event, person(gogolin))
        token = services.registration_token(registration)
        assert services.registration_by_token(event, token) == registration
        assert services.registration_by_token(other, token) is None
        assert services.registration_by_token(event, token[:-2] + "xx") is None


class BrokenBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused")


class TestEmails:
    def test_a_mail_outage_keeps_the_email_and_a_later_run_sends_it(self, open_event, gogolin):
        event = open_event()
        with override_settings(EMAIL_BACKEND="tests.knowledge.test_registration.BrokenBackend"):
            registration = submit(event, person(gogolin))
        email = RegistrationEmail.objects.get(registration=registration)
        assert email.sent_at is None and email.attempts == 1 and "refused" in email.error
        assert registration_mail.emails_retry(now=email.next_attempt_at - dt.timedelta(seconds=1)) == (0, 0)
        assert registration_mail.emails_retry(now=email.next_attempt_at) == (1, 0)
        email.refresh_from_db()
        assert email.sent_at is not None and len(mail.outbox) == 1

    def test_reminder_the_day_before_once_and_only_to_confirmed(self, open_event, gogolin):
        event = open_event(capacity=1)  # 10 March of EVENT_YEAR, 10:00
        confirmed = submit(event, person(gogolin, 1))
        submit(event, person(gogolin, 2))  # waiting list
        mail.outbox.clear()
        two_days_before = dt.datetime(EVENT_YEAR, 3, 8, 9, 0, tzinfo=WARSAW)
        day_before = dt.datetime(EVENT_YEAR, 3, 9, 8, 0, tzinfo=WARSAW)
        assert services.registrations_remind(now=two_days_before) == 0
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert services.registrations_remind(now=day_before) == 1
            assert services.registrations_remind(now=day_before) == 0
        [message] = mail.outbox
        assert message.to == [confirmed.email] and message.subject.startswith("Przypomnienie")

    def test_organiser_message_goes_to_confirmed_participants_only(self, open_event, gogolin):
        event = open_event(capacity=1)
        confirmed = submit(event, person(gogolin, 1))
        submit(event, person(gogolin, 2))
        mail.outbox.clear()
        with TestCase.captureOnCommitCallbacks(execute=True):
            sent = services.registrations_message(
                event=event,
                subject="Zmiana sali",
                body="Spotykamy się w sali 12.",
                actor=UserFactory(),
                now=NOW,
            )
        assert sent == 1
        [message] = mail.outbox
        assert message.to == [confirmed.email] and message.subject == "Zmiana sali"
        assert "Spotykamy się w sali 12." in message.body


class TestPrivacy:
    @override_settings(EVENT_REGISTRATION_RETENTION_DAYS=30)
    def test_personal_data_is_erased_after_the_retention_period_and_counts_remain(self, open_event, gogolin):
        event = open_event(capacity=1)
        submit(event, person(gogolin, 1, phone="600 100 200", accessibility_needs="pętla indukcyjna"))
        submit(event, person(gogolin, 2))
        assert services.registrations_anonymise(now=event.end + dt.timedelta(days=29)) == 0
        assert services.registrations_anonymise(now=event.end + dt.timedelta(days=31)) == 2
        rows = list(event.registrations.order_by("pk"))
        assert {(r.first_name, r.last_name, r.email, r.phone, r.accessibility_needs) for r in rows} == {
            ("", "", "", "", "")
        }
        assert [r.status for r in rows] == [Status.CONFIRMED, Status.WAITLISTED]
        assert all(r.municipality == gogolin for r in rows)
        assert not RegistrationEmail.objects.filter(registration__event=event).exists()
        assert services.per_municipality(event)[0]["total"] == 2


class TestPeriodicCommand:
    def test_events_tick_retries_reminds_and_anonymises(self, open_event, gogolin):
        from django.core.management import call_command
        from django.utils import timezone

        now = timezone.now()
        past = open_event(
            start=now - dt.timedelta(days=45),
            end=now - dt.timedelta(days=45) + dt.timedelta(hours=2),
            registration_deadline=None,
        )
        submit(past, person(gogolin, 1), now=now - dt.timedelta(days=50))
        tomorrow = open_event(
            start=now + dt.timedelta(hours=20), end=now + dt.timedelta(hours=22), registration_deadline=None
        )
        with override_settings(EMAIL_BACKEND="tests.knowledge.test_registration.BrokenBackend"):
            submit(tomorrow, person(gogolin, 2), now=now - dt.timedelta(hours=1))
        # The pause after the failed attempt is over.
        RegistrationEmail.objects.filter(sent_at__isnull=True).update(next_attempt_at=now)
        mail.outbox.clear()
        out = io.StringIO()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("events_tick", stdout=out)
        assert "e-mails sent 1" in out.getvalue() and "reminders 1" in out.getvalue()
        assert "registrations anonymised 1" in out.getvalue()
        assert sorted(m.subject.split(":")[0] for m in mail.outbox) == [
            "Potwierdzamy miejsce",
            "Przypomnienie",
        ]
        assert past.registrations.get().email == ""
