"""WCAG 2.1 AA checks with axe-core on every public page type, the search page and the forms with errors.

axe-core comes from the npm registry (scripts/axe.sh) and is injected into each page; any violation of serious
or critical impact fails the test with the rule, its help text and the elements concerned.
"""

import os
import subprocess
from pathlib import Path

import pytest

from consultations import services
from consultations.models import Adviser, PrivacyClause
from knowledge import models as km
from tests.browser.conftest import VIEWPORT, one_time_code, sign_in, snap
from tests.consultations.conftest import make_official
from tests.factories import MunicipalityFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parent.parent.parent
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe_source():
    try:
        path = subprocess.run(
            [str(ROOT / "scripts" / "axe.sh")], check=True, capture_output=True, text=True, timeout=300
        ).stdout.strip()
        return Path(path).read_text(encoding="utf-8")
    except (subprocess.SubprocessError, OSError) as error:
        message = f"axe-core could not be installed: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture
def audit(browser, live_server, axe_source):
    """Returns check(url) that loads a page and returns its serious and critical axe violations."""
    # axe is injected as a script of its own; the site's Content-Security-Policy (rightly) forbids that.
    context = browser.new_context(
        base_url=live_server.url, locale="pl-PL", viewport=VIEWPORT, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()

    def check(url=None):
        if url is not None:
            page.goto(url)
        page.evaluate(axe_source)
        result = page.evaluate(
            "opts => axe.run(document, opts)", {"runOnly": {"type": "tag", "values": WCAG_AA}}
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    check.page = page
    yield check
    context.close()


@pytest.fixture
def content(make):
    topic = TopicFactory(name="Asystencja osobista")
    km.GlossaryTerm.objects.create(
        term="CUS", expansion="centrum usług społecznych", definition="Jednostka organizacyjna gminy."
    )
    return [
        make.training(title="Asystencja osobista w CUS: poradnik", topics=[topic]),
        make.good_practice(title="Dobra praktyka: CUS w Gogolinie", topics=[topic]),
        make.interpretation(title="Interpretacja: zadania koordynatora IPUS"),
        make.explanation(title="Wyjaśnienie: program usług społecznych"),
        make.news(title="Nowy nabór w gminach", topics=[topic]),
        make.event(title="Spotkanie informacyjne o CUS"),
    ]


def test_the_checker_reports_a_known_violation(audit, site):
    # A page with an unlabelled field and an image without alt text must not pass: proves axe really runs.
    audit.page.goto("/")
    audit.page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', "
        '\'<img src="/static/img/favicon.svg"><input type="text">\')'
    )
    found = " ".join(audit())
    assert "image-alt" in found and "label" in found


def test_public_pages_meet_wcag_aa(audit, content, sections):
    urls = ["/", "/szukaj/?q=asystencja", "/szukaj/?q=zzzyyyxxx", "/konto/logowanie/", "/konto/rejestracja/"]
    urls += [section.url for section in sections.values()]
    urls += [page.url for page in content]
    problems = {url: found for url in urls if (found := audit(url))}
    assert problems == {}


def test_form_error_states_meet_wcag_aa(audit, site):
    page = audit.page
    page.goto("/konto/rejestracja/")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert audit() == []

    page.goto("/konto/logowanie/")
    page.locator("#id_login").fill("nikt")
    page.locator("#id_password").fill("zle-haslo")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert audit() == []


def test_the_desk_meets_wcag_aa(audit, site):
    gogolin = MunicipalityFactory(name="Gogolin")
    official = make_official("urzednik.gogolin", gogolin)
    Adviser.objects.create(user=UserFactory(username="prawnik"), role="lawyer")
    case = services.consultation_submit(
        requester=official,
        category="legal",
        title="Czy CUS może prowadzić klub seniora?",
        question="Pytanie testowe",
        privacy_clause=PrivacyClause.objects.latest(),
    )
    page = audit.page
    sign_in(page, "urzednik.gogolin")
    assert audit("/konsultacje/") == []
    assert audit(case.get_absolute_url()) == []
    page.goto("/konsultacje/nowa/")
    assert audit() == []
    page.locator("main form.question-form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert audit() == []


def test_two_factor_set_up_and_the_backup_codes_meet_wcag_aa(audit, site):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    UserFactory(username="redaktorka", groups=["Editors"])
    page = audit.page
    sign_in(page, "redaktorka")
    assert audit("/konto/2fa/") == []
    device = TOTPDevice.objects.get(user__username="redaktorka")
    page.locator("#id_code").fill(one_time_code(device))
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".account__codes")
    assert page.locator(".account__codes li").count() == 10
    snap(page, "account-backup-codes")
    assert audit() == []
    assert audit("/konto/2fa/") == []  # on: backup codes left, new ones, switching off
