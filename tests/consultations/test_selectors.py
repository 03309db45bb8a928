from consultations import services
from consultations.models import Assignment
from consultations.selectors import consultations_visible_to


def test_advisers_see_cases_assigned_to_them_now_or_before_each_once(desk):
    case = desk.ask(category="legal")
    first = case.assignee
    other = desk.expert if first != desk.expert else desk.lawyer
    services.consultation_reassign(consultation=case, actor=desk.coordinator, adviser=other, reason="urlop")
    # A second earlier assignment to the same adviser must not list the case twice.
    Assignment.objects.create(
        consultation=case, adviser=first, reason="routing", created_at=case.submitted_at
    )
    unrelated = desk.ask(requester=desk.outsider, title="Pytanie z Tarnowa")

    for adviser in (first, other):
        visible = list(consultations_visible_to(adviser.user))
        assert visible.count(case) == 1
    assert unrelated not in consultations_visible_to(first.user) or unrelated.assignee == first
    assert case in consultations_visible_to(desk.official)
    assert case not in consultations_visible_to(desk.outsider)
    assert case not in consultations_visible_to(desk.stranger)
