"""The desk in a real browser: an official asks, the routed lawyer answers, the official accepts."""

import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from consultations.choices import Status
from consultations.models import Adviser, Consultation
from portal.demo_files import text_pdf
from tests.browser.conftest import sign_in, snap
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


def polish(label) -> str:
    with translation.override("pl"):
        return str(label)


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
