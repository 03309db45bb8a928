"""Two people acting on one case at the same moment: row locks let exactly one conflicting move through."""

import threading

import pytest
from django.db import close_old_connections

from consultations import services
from consultations.choices import Status
from consultations.models import Consultation


def race(*actions):
    """Run the actions at the same instant in separate threads (separate database connections)."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "done"
        except services.ActionRefused as refused:
            outcomes[index] = refused.message
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestConcurrentMoves:
    def test_answer_and_withdrawal_at_once_one_wins(self, desk):
        case = desk.ask()
        for _ in range(5):
            Consultation.objects.filter(pk=case.pk).update(status=Status.IN_PROGRESS)
            case.history.all().delete()
            outcomes = race(
                lambda: services.consultation_answer(consultation=case, actor=desk.lawyer.user, body="Tak"),
                lambda: services.consultation_withdraw(consultation=case, actor=desk.official),
            )
            assert sorted(o == "done" for o in outcomes) == [False, True], outcomes
            case.refresh_from_db()
            assert case.status in (Status.ANSWERED, Status.WITHDRAWN)
            # The history has exactly the move that won, never both.
            assert case.history.count() == 1

    def test_two_coordinators_reassigning_at_once_leave_one_consistent_assignee(self, desk):
        case = desk.ask()
        first, second = desk.adviser("lawyer", "pierwszy"), desk.adviser("lawyer", "drugi")
        outcomes = race(
            lambda: services.consultation_reassign(
                consultation=case, actor=desk.coordinator, adviser=first, reason="A"
            ),
            lambda: services.consultation_reassign(
                consultation=case, actor=desk.coordinator, adviser=second, reason="B"
            ),
        )
        assert outcomes == ["done", "done"]
        case.refresh_from_db()
        last = case.assignments.last()
        assert case.assignee == last.adviser  # the latest recorded assignment is the current one

    def test_simultaneous_submissions_get_distinct_numbers(self, desk):
        outcomes = race(*[lambda: desk.ask() for _ in range(6)])
        assert outcomes == ["done"] * 6
        numbers = list(Consultation.objects.values_list("number", flat=True))
        assert len(set(numbers)) == 6
