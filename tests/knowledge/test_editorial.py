import datetime as dt
import time

import pytest
from django.core import mail
from django.core.management import call_command
from wagtail.models import Workflow

from knowledge import models as km
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_migration_creates_the_editorial_groups():
    from django.contrib.auth.models import Group

    assert {"Editors", "Legal reviewers", "Experts", "Coordinators"} <= set(
        Group.objects.values_list("name", flat=True)
    )


def test_editor_publishes_materials_but_not_legal_interpretations(make):
    editor = UserFactory(username="redaktorka", groups=["Editors"])
    reviewer = UserFactory(username="recenzentka", groups=["Legal reviewers"])
    material = make.training()
    interpretation = make.interpretation()
    assert material.permissions_for_user(editor).can_publish()
    assert interpretation.permissions_for_user(editor).can_edit()
    assert not interpretation.permissions_for_user(editor).can_publish()
    assert interpretation.permissions_for_user(reviewer).can_publish()
    assert not material.permissions_for_user(reviewer).can_publish()
    assert editor.has_perm("wagtailadmin.access_admin")
    assert editor.has_perm("knowledge.change_glossaryterm")


def test_interpretation_section_uses_legal_review_and_the_rest_editorial_moderation(sections):
    interpretations = sections[km.InterpretationIndexPage]
    training = sections[km.TrainingIndexPage]
    assert interpretations.get_workflow().name == "Legal review"
    assert training.get_workflow().name == "Editorial moderation"
    assert not Workflow.objects.get(name="Moderators approval").active


def test_legal_interpretation_is_published_only_after_a_legal_reviewer_approves(make, client):
    editor = UserFactory(username="redaktor1", groups=["Editors"])
    reviewer = UserFactory(username="recenzent1", groups=["Legal reviewers"])
    other_editor = UserFactory(username="redaktor2", groups=["Editors"])
    draft = make.interpretation(title="Projekt interpretacji")
    draft.unpublish()
    draft.refresh_from_db()
    assert not draft.live

    draft.title = "Interpretacja po redakcji"
    revision = draft.save_revision(user=editor)
    workflow_state = draft.get_workflow().start(draft, editor)
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    # Only legal reviewers may act on the task.
    assert task.user_can_access_editor(draft, reviewer)
    assert not [a for a in task.get_actions(draft, other_editor) if a[0] == "approve"]
    assert [a for a in task.get_actions(draft, reviewer) if a[0] == "approve"]
    assert client.get(draft.url).status_code == 404

    task_state.approve(user=reviewer)
    draft.refresh_from_db()
    assert draft.live and draft.title == "Interpretacja po redakcji"
    assert draft.live_revision_id == revision.pk
    assert client.get(draft.url).status_code == 200


def test_rejected_interpretation_stays_unpublished(make):
    editor = UserFactory(username="redaktor3", groups=["Editors"])
    reviewer = UserFactory(username="recenzent2", groups=["Legal reviewers"])
    draft = make.interpretation()
    draft.unpublish()
    draft.save_revision(user=editor)
    state = draft.get_workflow().start(draft, editor)
    state.current_task_state.reject(user=reviewer, comment="Brak podstawy prawnej")
    draft.refresh_from_db()
    assert not draft.live


def test_changing_a_slug_leaves_a_redirect(make, client, django_capture_on_commit_callbacks):
    page = make.training(slug="stary-adres")
    old_url = page.url
    page.slug = "nowy-adres"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    response = client.get(old_url)
    assert response.status_code in (301, 302) and response["Location"].endswith("/nowy-adres/")


def test_scheduled_publishing_publishes_when_due(make):
    from django.utils import timezone

    page = make.training(title="Zaplanowany", publish=False)
    page.go_live_at = timezone.now() + dt.timedelta(seconds=1)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live and page.scheduled_revision.pk == revision.pk
    time.sleep(1.2)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live


def test_review_report_lists_overdue_and_soon_due_pages(make, client, admin_user):
    today = dt.date.today()
    make.training(title="Po terminie", review_date=today - dt.timedelta(days=3))
    make.interpretation(title="Za dwa tygodnie", review_date=today + dt.timedelta(days=14))
    make.news(title="Za pół roku", review_date=today + dt.timedelta(days=180))
    make.news(title="Bez daty")
    client.force_login(admin_user)
    html = client.get("/admin/reports/review-due/").content.decode()
    assert "Po terminie" in html and "Za dwa tygodnie" in html
    assert "Za pół roku" not in html and "Bez daty" not in html
    assert html.index("Po terminie") < html.index("Za dwa tygodnie")


def test_review_report_is_for_editorial_staff_only(client, site):
    outsider = UserFactory(username="gosc", is_staff=False)
    client.force_login(outsider)
    assert client.get("/admin/reports/review-due/").status_code in (302, 403)


def test_reminder_mail_goes_to_each_owner_with_their_pages(make):
    today = dt.date.today()
    ewa = UserFactory(username="ewa", email="ewa@example.pl", groups=["Editors"])
    jan = UserFactory(username="jan", email="jan@example.pl", groups=["Editors"])
    make.training(title="Materiał Ewy", owner=ewa, review_date=today - dt.timedelta(days=1))
    make.news(title="Wiadomość Ewy", owner=ewa, review_date=today + dt.timedelta(days=10))
    make.news(title="Wiadomość Jana", owner=jan, review_date=today + dt.timedelta(days=5))
    make.news(title="Nie teraz", owner=jan, review_date=today + dt.timedelta(days=60))

    call_command("send_review_reminders")

    assert sorted(m.to[0] for m in mail.outbox) == ["ewa@example.pl", "jan@example.pl"]
    to_ewa = next(m for m in mail.outbox if m.to == ["ewa@example.pl"])
    assert (
        "Materiał Ewy" in to_ewa.body
        and "Wiadomość Ewy" in to_ewa.body
        and "Wiadomość Jana" not in to_ewa.body
    )
    assert "2 strony" in to_ewa.subject or "2" in to_ewa.subject
    assert "/admin/pages/" in to_ewa.body
    to_jan = next(m for m in mail.outbox if m.to == ["jan@example.pl"])
    assert "Nie teraz" not in to_jan.body
