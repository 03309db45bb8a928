"""The desk in a real browser: an official asks, the routed lawyer answers, the official accepts."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.choices import Status
from consultations.models import Adviser, Consultation
from portal.demo_files import text_pdf
from tests.browser.conftest import FOCUSED_IS_VISIBLE, polish, sign_in, snap, tab_to
from tests.consultations.conftest import make_official
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "Czy rada gminy może przekształcić OPS w CUS w trakcie roku budżetowego?"
QUESTION = "Rada gminy chce przekształcić ośrodek pomocy społecznej w centrum od 1 lipca. Jaki tryb uchwały?"
ANSWER = "Tak. Przekształcenie następuje uchwałą rady gminy, a statut centrum nadaje się w tej samej uchwale."


@pytest.fixture
def people(site):
    """An official of Gogolin and the desk's only lawyer and expert, so routing has one obvious choice."""
    gogolin = MunicipalityFactory(name="Gogolin", voivodeship="opolskie", kind="urban-rural")
    official = make_official("urzednik.gogolin", gogolin)
    lawyer = UserFactory(username="prawnik", first_name="Piotr", last_name="Prawnik")
    Adviser.objects.create(user=lawyer, role="lawyer")
    expert = UserFactory(username="ekspert", first_name="Ewa", last_name="Ekspert")
    Adviser.objects.create(user=expert, role="expert")
    return {"official": official.username, "lawyer": lawyer.username}


def test_official_asks_lawyer_answers_official_accepts(new_page, people, tmp_path):
    number = f"KONS/{timezone.localdate().year}/00001"
    case_url = re.compile(re.escape(f"/konsultacje/{number}/") + "$")
    attachment = tmp_path / "uchwala-intencyjna.pdf"
    attachment.write_bytes(text_pdf("Uchwała intencyjna", ["Rada Gminy Gogolin postanawia utworzyć CUS."]))

    # The official asks.
    official = new_page()
    sign_in(official, people["official"])
    official.goto("/konsultacje/nowa/")
    official.locator("#id_category").select_option("legal")
    official.locator("#id_title").fill(TITLE)
    official.locator("#id_question").fill(QUESTION)
    official.locator("#id_attachments").set_input_files(attachment)
    official.locator("#id_privacy_accepted").check()
    snap(official, "consultation-form")
    official.locator("form.question-form button[type=submit]").click()

    expect(official).to_have_url(case_url)
    expect(official.locator("h1 .case__number")).to_have_text(number)
    expect(official.locator("h1")).to_contain_text(TITLE)
    expect(official.locator(".case__question")).to_contain_text(QUESTION)
    expect(official.get_by_role("link", name=re.compile("uchwala-intencyjna"))).to_be_visible()
    # Routed to the lawyer at once: the case names who handles it.
    expect(official.locator(".case__facts")).to_contain_text("Piotr Prawnik")
    snap(official, "consultation-submitted")
    official.context.close()

    # The lawyer finds the case in their list and answers it.
    lawyer = new_page()
    sign_in(lawyer, people["lawyer"])
    lawyer.goto("/konsultacje/")
    lawyer.get_by_role("link", name=number).first.click()
    expect(lawyer).to_have_url(case_url)
    expect(lawyer.get_by_role("link", name=re.compile("uchwala-intencyjna"))).to_be_visible()
    answer_form = lawyer.locator("#action-answer")
    answer_form.locator("#id_answer-body").fill(ANSWER)
    answer_form.locator("button[type=submit]").click()
    expect(lawyer).to_have_url(case_url)
    expect(lawyer.locator(".case__answer")).to_contain_text(ANSWER)
    expect(lawyer.locator("#action-answer")).to_have_count(0)
    snap(lawyer, "consultation-answered-lawyer")

    # The official signs in again, reads the answer and accepts it.
    official = new_page()
    sign_in(official, people["official"])
    official.goto(f"/konsultacje/{number}/")
    expect(official.locator(".case__answer")).to_contain_text(ANSWER)
    expect(official.locator(".case__facts dd strong").first).to_have_text(polish(Status.ANSWERED.label))
    official.locator("#action-accept button[type=submit]").click()
    expect(official).to_have_url(case_url)
    expect(official.locator(".case__facts dd strong").first).to_have_text(polish(Status.CLOSED.label))
    expect(official.locator("#action-accept")).to_have_count(0)
    snap(official, "consultation-closed")

    case = Consultation.objects.get(number=number)
    assert case.status == Status.CLOSED
    assert case.assignee.user.username == people["lawyer"]
    assert case.attachments.count() == 1


def test_asking_with_the_keyboard_only(page, people):
    sign_in(page, people["official"])
    page.goto("/konsultacje/nowa/")
    form = page.locator("form.question-form")
    submit = "form.question-form button[type=submit]"

    tab_to(page, "#id_category")
    page.keyboard.press("ArrowDown")  # the first real choice: a legal question
    expect(page.locator("#id_category")).to_have_value("legal")
    # The title is left empty on purpose: the form must say so and lead back to it.
    tab_to(page, "#id_question")
    page.keyboard.type(QUESTION)
    tab_to(page, "#id_privacy_accepted")
    page.keyboard.press("Space")
    expect(page.locator("#id_privacy_accepted")).to_be_checked()
    tab_to(page, submit)
    # Back one step to check the tick before sending.
    tab_to(page, "#id_privacy_accepted", key="Shift+Tab", limit=1)
    expect(page.locator("#id_privacy_accepted")).to_be_checked()
    tab_to(page, submit, limit=1)
    page.keyboard.press("Enter")

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(page.locator("#id_title")).to_have_attribute("aria-invalid", "true")
    # What was typed is still there.
    expect(form.locator("#id_question")).to_have_value(QUESTION)
    expect(form.locator("#id_privacy_accepted")).to_be_checked()
    snap(page, "consultation-form-errors")

    # The summary takes the focus, so the next Tab reaches its link, which leads to the field.
    expect(summary).to_be_focused()
    tab_to(page, '#error-summary a[href="#id_title"]', limit=3)
    page.keyboard.press("Enter")
    expect(page.locator("#id_title")).to_be_focused()
    assert page.evaluate(FOCUSED_IS_VISIBLE), "no visible focus on the title field after the error link"

    page.keyboard.type(TITLE)
    tab_to(page, submit)
    page.keyboard.press("Enter")

    number = f"KONS/{timezone.localdate().year}/00001"
    # The browser carries the #id_title fragment across the redirect, as it does for any redirect.
    expect(page).to_have_url(re.compile(re.escape(f"/konsultacje/{number}/") + "(#id_title)?$"))
    expect(page.locator("h1")).to_contain_text(TITLE)
    assert Consultation.objects.get(number=number).category == "legal"
