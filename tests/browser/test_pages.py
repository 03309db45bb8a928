"""Every public page type in a real browser: listings and their filters, search with facets, autocomplete."""

import re

import pytest
from playwright.sync_api import expect

from knowledge import models as km
from tests.browser.conftest import snap
from tests.factories import TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def content(make):
    """One published page of each type, two topics and a glossary term: enough for every template.

    Built with the page factories rather than the full demo, which takes several times longer to load and
    would have to be loaded again for each test (each one starts from an empty database).
    """
    personal = TopicFactory(name="Asystencja osobista")
    transformation = TopicFactory(name="Przekształcenie OPS w CUS")
    km.GlossaryTerm.objects.create(
        term="CUS", expansion="centrum usług społecznych", definition="Jednostka organizacyjna gminy."
    )
    return {
        "training": make.training(title="Asystencja osobista w CUS: poradnik", topics=[personal]),
        "training_other": make.training(title="Jak przekształcić OPS w CUS", topics=[transformation]),
        "good_practice": make.good_practice(title="Dobra praktyka: CUS w Gogolinie", topics=[transformation]),
        "interpretation": make.interpretation(title="Interpretacja: zadania koordynatora IPUS"),
        "explanation": make.explanation(title="Wyjaśnienie: program usług społecznych"),
        "news": make.news(title="Asystencja osobista: nowy nabór w gminach", topics=[personal]),
        "event": make.event(title="Konferencja o centrach usług społecznych"),
    }


def test_every_page_type_renders(page, content, sections):
    page.goto("/")
    nav = page.get_by_role("navigation", name=re.compile("."))
    for section in sections.values():
        expect(nav.get_by_role("link", name=section.title, exact=True)).to_be_visible()
    snap(page, "home")

    for model, section in sections.items():
        page.goto(section.url)
        expect(page.locator("main h1")).to_have_text(section.title)
        snap(page, f"section-{model.__name__}")

    for kind, detail in content.items():
        page.goto(detail.url)
        expect(page.locator("main h1")).to_contain_text(detail.title)
        # The page's own title tells browsers' tabs and screen readers where they are.
        expect(page).to_have_title(re.compile(re.escape(detail.title)))
        snap(page, f"detail-{kind}")

    page.goto(sections[km.TopicIndexPage].url)
    page.locator("main").get_by_role("link", name="Asystencja osobista").first.click()
    expect(page.locator("main h1")).to_contain_text("Asystencja osobista")
    expect(page.locator("main").get_by_role("link", name=content["training"].title)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name=content["news"].title)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name=content["training_other"].title)).to_have_count(0)
    snap(page, "topic-detail")

    page.goto(sections[km.GlossaryPage].url)
    expect(page.locator("main")).to_contain_text("centrum usług społecznych")


def test_a_listing_narrows_to_the_chosen_topic(page, content, sections):
    page.goto(sections[km.TrainingIndexPage].url)
    cards = page.locator("main .cards > li")
    expect(cards).to_have_count(2)

    filters = page.locator("form.filters")
    filters.locator("#id_topic").select_option(label="Asystencja osobista")
    filters.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"[?&]topic=asystencja-osobista"))
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(content["training"].title)
    snap(page, "listing-filtered")


def test_search_results_narrow_by_a_facet(page, content):
    page.goto("/szukaj/?q=asystencja")
    results = page.locator("main .search-results > li")
    expect(results).to_have_count(2)
    expect(results.filter(has_text=content["training"].title)).to_have_count(1)
    expect(results.filter(has_text=content["news"].title)).to_have_count(1)

    facet = page.locator('.facet a[href*="type=news"]')
    facet.click()
    expect(page).to_have_url(re.compile(r"[?&]type=news"))
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(content["news"].title)
    # The chosen value is marked, and its link now removes it.
    chosen = page.locator('.facet a[aria-current="true"]')
    expect(chosen).to_have_count(1)
    expect(chosen).not_to_have_attribute("href", re.compile("type=news"))
    snap(page, "search-facet")


def test_header_autocomplete_is_chosen_with_the_keyboard(page, content):
    page.goto("/")
    box = page.locator("#site-search-q")
    box.click()
    box.press_sequentially("Konferencja")
    listbox = page.get_by_role("listbox")
    options = listbox.get_by_role("option")
    expect(options.first).to_have_text(content["event"].title)
    expect(box).to_have_attribute("aria-expanded", "true")
    snap(page, "autocomplete")

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(content["event"].url) + "$"))
    expect(page.locator("main h1")).to_contain_text(content["event"].title)
