"""A legal interpretation in a real browser: an editor writes and submits it, a legal reviewer approves it.

Both sign in to the Wagtail admin through the portal's login and its one-time code step.
"""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect
from wagtail.models import TaskState

from knowledge import models as km
from portal.services import LEGAL_REVIEW_WORKFLOW
from tests.browser.conftest import one_time_code, polish, snap
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Czy CUS może prowadzić klub sąsiedzki poza siedzibą centrum?"
SUMMARY = "Klub sąsiedzki może działać w lokalu udostępnionym przez gminę; centrum organizuje jego pracę."
QUESTION = "Czy centrum usług społecznych może prowadzić klub sąsiedzki w lokalu szkoły?"
ANSWER = "Tak. Ustawa nie wymaga, by usługi społeczne były świadczone w siedzibie centrum."
AUTHOR = "radca prawny Obserwatorium"
COMMENT = "Podstawa prawna się zgadza; można publikować."


@pytest.fixture
def people(settings, sections):
    """An editor and a legal reviewer, in the groups the migrations create, each with an authenticator app."""
    # As where staff must use two-factor authentication: the sign-in goes through the code step.
    settings.ACCOUNT_REQUIRE_2FA_FOR_STAFF = True
    editor = UserFactory(username="redaktorka", first_name="Ewa", last_name="Redakcyjna", groups=["Editors"])
    reviewer = UserFactory(
        username="recenzent", first_name="Jan", last_name="Recenzent", groups=["Legal reviewers"]
    )
    return {
        user.username: TOTPDevice.objects.create(user=user, name="portal", confirmed=True)
        for user in (editor, reviewer)
    }


def sign_in_to_admin(page, device: TOTPDevice, password: str = "haslo-testowe") -> None:
    """Opens the admin, which sends the person to the portal's login and then to the one-time code."""
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/konto/logowanie/\?next="))
    page.locator("#id_login").fill(device.user.username)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/konto/logowanie/kod/"))
    page.locator("#id_code").fill(one_time_code(device))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def type_date(page, selector: str, value: str) -> None:
    """Types a date and leaves the field with Tab, as a person does, which closes its calendar pop-up."""
    field = page.locator(selector)
    field.fill(value)
    calendars = page.locator(".xdsoft_datetimepicker:visible")
    # The calendar opens a moment after the focus; a Tab before that would leave it open over the page.
    expect(calendars).to_have_count(1)
    field.press("Tab")
    expect(calendars).to_have_count(0)


def test_editor_submits_an_interpretation_and_a_legal_reviewer_approves_it(new_page, people, sections):
    interpretations = sections[km.InterpretationIndexPage]

    # The editor writes the interpretation under the interpretations section and sends it to legal review.
    editor = new_page()
    sign_in_to_admin(editor, people["redaktorka"])
    editor.goto(f"/admin/pages/{interpretations.pk}/")
    editor.get_by_role("link", name=polish("Add child page")).first.click()
    expect(editor).to_have_url(re.compile(r"/admin/pages/add/knowledge/legalinterpretationpage/"))

    editor.locator("#id_title").fill(TITLE)
    editor.locator("#id_summary").fill(SUMMARY)
    editor.locator('[data-contentpath="question"] [role="textbox"]').fill(QUESTION)
    editor.locator("#answer-root .c-sf-add-button").click()
    editor.get_by_role("option", name=polish("Rich text")).click()
    editor.locator('#answer-root [role="textbox"]').fill(ANSWER)
    editor.locator("#id_legal_basis-0-article").fill("30")
    editor.locator("#id_legal_basis-0-paragraph").fill("2")
    type_date(editor, "#id_issued", "2026-10-15")
    type_date(editor, "#id_law_as_at", "2026-10-01")
    editor.locator("#id_author").fill(AUTHOR)
    snap(editor, "legal-review-editor-form")

    footer = editor.locator("footer")
    footer.get_by_role("button", name=polish("More actions")).click()
    submit = footer.get_by_role("button", name=re.compile(re.escape(LEGAL_REVIEW_WORKFLOW)))
    submit.click()

    # Back in the section's listing, the page is marked as waiting for moderation.
    expect(editor).to_have_url(re.compile(rf"/admin/pages/{interpretations.pk}/$"))
    row = editor.locator("tr", has_text=TITLE)
    expect(row).to_contain_text(polish("in moderation"))
    snap(editor, "legal-review-submitted")

    draft = km.LegalInterpretationPage.objects.get(title=TITLE)
    assert not draft.live
    assert draft.get_parent().pk == interpretations.pk
    assert draft.current_workflow_state.workflow.name == LEGAL_REVIEW_WORKFLOW

    # Until a legal reviewer approves it, the public does not see it.
    visitor = new_page()
    assert visitor.goto(draft.url).status == 404
    visitor.goto(interpretations.url)
    expect(visitor.locator("main")).not_to_contain_text(TITLE)

    # The reviewer finds the task on the dashboard and approves it with a comment.
    reviewer = new_page()
    sign_in_to_admin(reviewer, people["recenzent"])
    awaiting = reviewer.get_by_role("region", name=polish("Awaiting your review"))
    row = awaiting.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("Ewa Redakcyjna")
    snap(reviewer, "legal-review-dashboard")
    row.get_by_role("button", name=polish("Actions")).click()
    row.get_by_role("button", name=polish("Approve with comment")).click()
    dialog = reviewer.get_by_role("dialog")
    dialog.get_by_label(polish("Comment")).fill(COMMENT)
    dialog.get_by_role("button", name=polish("Approve with comment")).click()
    # The dashboard reloads without the task: nothing is left waiting for this reviewer.
    expect(awaiting).to_have_count(0)

    # The visitor now finds it at its address and in the listing.
    response = visitor.goto(draft.url)
    assert response.status == 200
    expect(visitor.locator("main h1")).to_contain_text(TITLE)
    expect(visitor.locator("main")).to_contain_text(ANSWER)
    visitor.goto(interpretations.url)
    expect(visitor.locator("main .cards").get_by_role("link", name=TITLE)).to_be_visible()

    draft.refresh_from_db()
    assert draft.live
    state = TaskState.objects.get(revision__object_id=str(draft.pk))
    assert state.status == TaskState.STATUS_APPROVED
    assert state.finished_by.username == "recenzent"
    assert state.comment == COMMENT
