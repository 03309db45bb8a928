"""The coordinator runs the desk's settings in the admin, without a deploy."""

import pytest
from django.urls import reverse

from consultations.models import CategoryPolicy, RoutingRule

pytestmark = pytest.mark.django_db


def test_the_coordinator_changes_a_routing_rule_and_new_cases_follow_it(client, desk):
    rule = RoutingRule.objects.get(category="financing", topic=None, voivodeship="")
    client.force_login(desk.coordinator)
    url = reverse("wagtailsnippets_consultations_routingrule:edit", args=[rule.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "category": "financing",
            "pool": "lawyer",
            "topic": "",
            "voivodeship": "",
            "priority": "100",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert desk.ask(category="financing").assignee == desk.lawyer


def test_a_topic_rule_wins_over_the_category_default(client, desk):
    client.force_login(desk.coordinator)
    response = client.post(
        reverse("wagtailsnippets_consultations_routingrule:add"),
        {
            "category": "legal",
            "pool": "expert",
            "topic": desk.topic.pk,
            "voivodeship": "",
            "priority": "10",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert desk.ask(category="legal", topics=[desk.topic]).assignee == desk.expert
    assert desk.ask(category="legal").assignee == desk.lawyer


def test_deadlines_per_category_are_edited_in_the_admin(client, desk):
    policy = CategoryPolicy.objects.get(category="other")
    client.force_login(desk.coordinator)
    client.post(
        reverse("wagtailsnippets_consultations_categorypolicy:edit", args=[policy.pk]),
        {"category": "other", "deadline_days": "5"},
    )
    case = desk.ask(category="other")
    from consultations.workdays import add_working_days, local_date

    assert case.due_date == add_working_days(local_date(case.submitted_at), 5)


def test_officials_and_advisers_cannot_reach_the_desk_settings(client, desk):
    rule = RoutingRule.objects.first()
    for user in (desk.official, desk.lawyer.user):
        client.force_login(user)
        response = client.get(reverse("wagtailsnippets_consultations_routingrule:edit", args=[rule.pk]))
        assert response.status_code in (302, 403)
