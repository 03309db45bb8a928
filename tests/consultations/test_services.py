"""The life of a case through the services: numbering, routing, every move, deadlines and notices."""

import datetime as dt
import itertools

import pytest
from django.core import mail

from consultations import services
from consultations.choices import Status
from consultations.models import ALLOWED_TRANSITIONS, Absence, Consultation, Notification
from consultations.workdays import add_working_days
from tests.consultations.conftest import TUESDAY, make_official

pytestmark = pytest.mark.django_db


SOON = dt.timedelta(seconds=5)


def day(n):
    return TUESDAY + dt.timedelta(days=n)


def subjects_to(user):
    """Subjects of the notices a person got (their e-mails go out after commit; see TestMailDelivery)."""
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def bodies_to(user):
    return list(Notification.objects.filter(recipient=user).values_list("body", flat=True))


def clear_notices():
    Notification.objects.all().delete()


class TestSubmit:
    def test_legal_question_is_numbered_routed_to_the_lawyer_and_acknowledged(self, desk):
        case = desk.ask(topics=[desk.topic])

        assert case.number == "KONS/2026/00001"
        assert case.status == Status.ASSIGNED
        assert case.assignee == desk.lawyer
        # 14 working days after Tuesday 3 March 2026, no holidays in between.
        assert case.due_date == dt.date(2026, 3, 23)
        assert [(h.from_status, h.to_status) for h in case.history.all()] == [
            ("", Status.SUBMITTED),
            (Status.SUBMITTED, Status.ASSIGNED),
        ]
        assert any("KONS/2026/00001" in s for s in subjects_to(desk.official))
        assert any("KONS/2026/00001" in s for s in subjects_to(desk.lawyer.user))

    def test_numbers_run_on_within_a_year_and_restart_in_the_next(self, desk):
        first = desk.ask()
        second = desk.ask(category="financing")
        next_year = desk.ask(now=dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC))
        assert [first.number, second.number, next_year.number] == [
            "KONS/2026/00001",
            "KONS/2026/00002",
            "KONS/2027/00001",
        ]

    def test_other_categories_go_to_the_expert_with_a_ten_day_deadline(self, desk):
        case = desk.ask(category="organisation")
        assert case.assignee == desk.expert
        assert case.due_date == add_working_days(dt.date(2026, 3, 3), 10)

    def test_the_routing_reason_is_recorded(self, desk):
        case = desk.ask()
        assignment = case.assignments.get()
        assert assignment.adviser == desk.lawyer
        assert assignment.by is None
        assert assignment.explanation  # the coordinator sees the rule and every candidate

    def test_only_an_active_official_can_ask(self, desk):
        pending = make_official("nowy.gogolin", desk.gogolin, status="pending")
        for user in (pending, desk.stranger, desk.lawyer.user):
            with pytest.raises(services.ActionRefused):
                desk.ask(requester=user)
        assert not Consultation.objects.exists()

    def test_nobody_eligible_leaves_the_case_in_the_coordinators_queue(self, desk):
        Absence.objects.create(adviser=desk.lawyer, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
        case = desk.ask()
        assert case.status == Status.SUBMITTED
        assert case.assignee is None
        assert any("KONS/2026/00001" in s for s in subjects_to(desk.coordinator))

    def test_an_absent_lawyer_is_replaced_by_the_named_substitute(self, desk):
        substitute = desk.adviser("lawyer", "zastepca")
        Absence.objects.create(
            adviser=desk.lawyer, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), substitute=substitute
        )
        assert desk.ask().assignee == substitute

    def test_a_lawyer_with_a_conflict_of_interest_never_gets_the_municipality(self, desk):
        other = desk.adviser("lawyer", "drugi")
        desk.lawyer.conflicts.add(desk.gogolin)
        assert {desk.ask().assignee for _ in range(3)} == {other}


class TestReassign:
    def test_the_coordinator_reassigns_with_a_reason_and_both_are_told(self, desk):
        case = desk.ask()
        other = desk.adviser("lawyer", "drugi")
        clear_notices()
        services.consultation_reassign(
            consultation=case, actor=desk.coordinator, adviser=other, reason="urlop", now=day(1)
        )
        case.refresh_from_db()
        assert case.assignee == other
        last = case.assignments.last()
        assert (last.by, last.reason) == (desk.coordinator, "urlop")
        assert subjects_to(other.user) and subjects_to(desk.lawyer.user)

    def test_a_reason_is_required_and_only_the_coordinator_may_reassign(self, desk):
        case = desk.ask()
        with pytest.raises(services.ActionRefused):
            services.consultation_reassign(
                consultation=case, actor=desk.coordinator, adviser=desk.expert, reason=" "
            )
        with pytest.raises(services.ActionRefused):
            services.consultation_reassign(
                consultation=case, actor=desk.lawyer.user, adviser=desk.expert, reason="x"
            )

    def test_reassignment_to_a_conflicted_person_is_refused(self, desk):
        case = desk.ask()
        desk.expert.conflicts.add(desk.gogolin)
        with pytest.raises(services.ActionRefused):
            services.consultation_reassign(
                consultation=case, actor=desk.coordinator, adviser=desk.expert, reason="x"
            )


class TestTransitions:
    @pytest.mark.parametrize(("source", "target"), list(itertools.product(Status.values, Status.values)))
    def test_only_the_moves_in_the_table_are_allowed(self, desk, source, target):
        case = desk.ask()
        Consultation.objects.filter(pk=case.pk).update(status=source)
        case.refresh_from_db()
        allowed = target in ALLOWED_TRANSITIONS[source]
        if allowed:
            services._transition(case, to_status=target, actor=desk.coordinator, now=day(1))
            case.refresh_from_db()
            assert case.status == target
            change = case.history.last()
            assert (change.from_status, change.to_status, change.actor) == (source, target, desk.coordinator)
        else:
            with pytest.raises(services.ActionRefused) as refused:
                services._transition(case, to_status=target, actor=desk.coordinator, now=day(1))
            case.refresh_from_db()
            assert case.status == source
            assert str(Status(source).label) in refused.value.message

    def test_an_answered_case_cannot_be_answered_again_or_withdrawn(self, desk):
        case = desk.ask()
        services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Odpowiedź", now=day(1))
        with pytest.raises(services.ActionRefused):
            services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Druga", now=day(2))
        with pytest.raises(services.ActionRefused):
            services.consultation_withdraw(consultation=case, actor=desk.official, now=day(2))


class TestWorkingTheCase:
    def test_the_whole_path_to_an_accepted_answer(self, desk):
        case = desk.ask()
        services.consultation_start(consultation=case, actor=desk.lawyer.user, now=day(1))
        services.consultation_message(
            consultation=case, actor=desk.lawyer.user, body="Notatka wewnętrzna", internal=True, now=day(1)
        )
        services.consultation_answer(
            consultation=case, actor=desk.lawyer.user, body="<p>Tak.</p><script>x</script>", now=day(2)
        )
        case.refresh_from_db()
        assert case.status == Status.ANSWERED
        assert case.answer == "<p>Tak.</p>x"
        assert case.answered_by == desk.lawyer
        services.consultation_accept(consultation=case, actor=desk.colleague, now=day(3))
        services.consultation_rate(consultation=case, actor=desk.official, rating=5, comment="Dziękujemy")
        case.refresh_from_db()
        assert (case.status, case.rating, case.closed_at) == (Status.CLOSED, 5, day(3))
        assert [h.to_status for h in case.history.all()] == [
            Status.SUBMITTED,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.ANSWERED,
            Status.CLOSED,
        ]

    def test_an_answer_from_an_assigned_case_starts_it_first(self, desk):
        case = desk.ask()
        services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Tak", now=day(1))
        assert [h.to_status for h in case.history.all()][-2:] == [Status.IN_PROGRESS, Status.ANSWERED]

    def test_people_outside_the_case_cannot_act_on_it(self, desk):
        case = desk.ask()
        for actor in (desk.expert.user, desk.outsider, desk.stranger):
            with pytest.raises(services.ActionRefused):
                services.consultation_answer(consultation=case, actor=actor, body="x", now=day(1))
        for actor in (desk.lawyer.user, desk.outsider):
            with pytest.raises(services.ActionRefused):
                services.consultation_withdraw(consultation=case, actor=actor, now=day(1))

    def test_awaiting_information_stops_the_clock_and_moves_the_due_date(self, desk):
        case = desk.ask()  # Tuesday 3 March, due Monday 23 March
        services.consultation_request_info(
            consultation=case, actor=desk.lawyer.user, body="Prosimy o uchwałę.", now=day(1)
        )
        case.refresh_from_db()
        assert case.status == Status.AWAITING_INFO and case.is_paused
        assert subjects_to(desk.official)
        # The requester answers a week later (Wednesday 4 → Wednesday 11 March): five working days paused.
        services.consultation_message(
            consultation=case, actor=desk.official, body="Uchwała w załączeniu", now=day(8)
        )
        case.refresh_from_db()
        assert case.status == Status.IN_PROGRESS and not case.is_paused
        assert case.due_date == dt.date(2026, 3, 30)
        assert subjects_to(desk.lawyer.user)

    def test_an_extension_needs_a_reason_the_requester_sees(self, desk):
        case = desk.ask()
        with pytest.raises(services.ActionRefused):
            services.consultation_extend(
                consultation=case, actor=desk.lawyer.user, days=5, reason="", now=day(1)
            )
        with pytest.raises(services.ActionRefused):
            services.consultation_extend(
                consultation=case, actor=desk.lawyer.user, days=0, reason="x", now=day(1)
            )
        clear_notices()
        services.consultation_extend(
            consultation=case, actor=desk.lawyer.user, days=5, reason="Czekamy na opinię MRPiPS", now=day(1)
        )
        case.refresh_from_db()
        assert case.due_date == dt.date(2026, 3, 30)
        (body,) = bodies_to(desk.official)
        assert "Czekamy na opinię MRPiPS" in body
        assert case.messages.filter(kind="extension").exists()

    def test_a_follow_up_reopens_within_fourteen_days_and_not_after(self, desk):
        case = desk.ask()
        services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Tak", now=day(1))
        services.consultation_accept(consultation=case, actor=desk.official, now=day(2))
        services.consultation_follow_up(consultation=case, actor=desk.official, body="A jeśli…", now=day(10))
        case.refresh_from_db()
        assert case.status == Status.REOPENED
        assert case.due_date == add_working_days(dt.date(2026, 3, 13), 14)
        services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Wtedy też", now=day(11))
        with pytest.raises(services.ActionRefused):
            services.consultation_follow_up(consultation=case, actor=desk.official, body="?", now=day(26))

    def test_rejection_and_withdrawal_end_the_case(self, desk):
        case = desk.ask()
        with pytest.raises(services.ActionRefused):
            services.consultation_reject(consultation=case, actor=desk.lawyer.user, reason="", now=day(1))
        services.consultation_reject(
            consultation=case, actor=desk.lawyer.user, reason="Pytanie dotyczy podatków", now=day(1)
        )
        case.refresh_from_db()
        assert case.status == Status.REJECTED
        assert any("Pytanie dotyczy podatków" in body for body in bodies_to(desk.official))
        second = desk.ask()
        services.consultation_withdraw(consultation=second, actor=desk.colleague, now=day(1))
        second.refresh_from_db()
        assert second.status == Status.WITHDRAWN


class TestScheduledWork:
    def test_answered_cases_close_themselves_after_fourteen_days(self, desk):
        case = desk.ask()
        services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Tak", now=day(1))
        assert services.consultations_auto_close(now=day(14)) == 0
        assert services.consultations_auto_close(now=day(15)) == 1
        case.refresh_from_db()
        assert case.status == Status.CLOSED
        assert case.history.last().actor is None

    def test_reminder_before_the_due_date_and_escalation_after_it_once_a_day(self, desk):
        case = desk.ask()  # due Monday 23 March
        clear_notices()
        assert services.consultations_remind(now=dt.datetime(2026, 3, 18, 8, tzinfo=dt.UTC)) == (0, 0)
        assert services.consultations_remind(now=dt.datetime(2026, 3, 19, 8, tzinfo=dt.UTC)) == (1, 0)
        assert services.consultations_remind(now=dt.datetime(2026, 3, 19, 12, tzinfo=dt.UTC)) == (0, 0)
        assert subjects_to(desk.lawyer.user)
        clear_notices()
        assert services.consultations_remind(now=dt.datetime(2026, 3, 24, 8, tzinfo=dt.UTC)) == (0, 1)
        assert subjects_to(desk.coordinator) and subjects_to(desk.lawyer.user)
        # A paused case is not overdue.
        services.consultation_request_info(consultation=case, actor=desk.lawyer.user, body="?", now=day(22))
        assert services.consultations_remind(now=dt.datetime(2026, 3, 25, 8, tzinfo=dt.UTC)) == (0, 0)


class FailingBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")


class TestMailDelivery:
    def test_notices_are_e_mailed_once_the_case_is_committed(self, desk, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            case = desk.ask()
            assert mail.outbox == []  # nothing leaves before the commit
        assert callbacks
        by_recipient = {m.to[0]: m for m in mail.outbox}
        assert case.number in by_recipient[desk.official.email].subject
        assert case.get_absolute_url() in by_recipient[desk.official.email].body
        assert case.number in by_recipient[desk.lawyer.user.email].subject
        assert Notification.objects.filter(email_sent_at__isnull=True).count() == 0

    def test_a_mail_outage_keeps_the_case_and_the_notice_is_sent_when_it_returns(
        self, desk, settings, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "tests.consultations.test_services.FailingBackend"
        with django_capture_on_commit_callbacks(execute=True):
            case = desk.ask()
        assert Consultation.objects.filter(pk=case.pk, status=Status.ASSIGNED).exists()
        receipt = Notification.objects.get(recipient=desk.official, event="submitted")
        assert receipt.email_sent_at is None and receipt.email_attempts == 1
        assert "unreachable" in receipt.email_error
        # Still down at the next attempt: the pause grows.
        assert services.notifications.notifications_retry(now=receipt.next_attempt_at + SOON) == (0, 2)
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        receipt.refresh_from_db()
        assert services.notifications.notifications_retry(now=receipt.next_attempt_at + SOON) == (2, 0)
        receipt.refresh_from_db()
        assert receipt.email_sent_at is not None
        assert [m.subject for m in mail.outbox if desk.official.email in m.to] == [receipt.subject]
        # Sent notices are never sent twice.
        assert services.notifications.notifications_retry(now=day(30)) == (0, 0)
