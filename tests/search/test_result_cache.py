"""Cached search results: identical searches are answered from the cache until the index changes."""

import pytest
from django.core.cache import cache
from django.utils import translation

from search import selectors
from search.models import SearchQueryLog
from search.selectors import GENERATION_KEY, search_run_cached
from search.services import search_reindex
from tests.factories import paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monkeypatch):
    """How many searches were computed rather than read from the cache."""
    calls = []
    compute = selectors.search_run

    def counting(query, **kwargs):
        calls.append(query)
        return compute(query, **kwargs)

    monkeypatch.setattr(selectors, "search_run", counting)
    return calls


def urls(client, **params):
    data = client.get("/api/search/", params).json()
    return [hit["url"].removeprefix("http://testserver") for hit in data["results"]]


def test_an_identical_search_is_answered_from_the_cache(engine, make, site, client, computed):
    page = make.news(title="Teleopieka dla seniorów", body=paragraph("Opaski alarmowe w gminie."))
    search_reindex()
    first = client.get("/api/search/", {"q": "teleopieka seniorów"}).json()
    second = client.get("/api/search/", {"q": "teleopieka   seniorów"}).json()
    assert second == first and [r["title"] for r in first["results"]] == [page.title]
    assert computed == ["teleopieka seniorów"]


def test_publish_and_unpublish_show_in_the_next_identical_search(
    engine, make, site, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = make.news(title="Mieszkania treningowe w powiecie")
    assert urls(client, q="mieszkania treningowe") == [first.url]
    with django_capture_on_commit_callbacks(execute=True):
        second = make.training(title="Mieszkania treningowe: poradnik")
    assert sorted(urls(client, q="mieszkania treningowe")) == sorted([first.url, second.url])
    with django_capture_on_commit_callbacks(execute=True):
        first.unpublish()
    assert urls(client, q="mieszkania treningowe") == [second.url]
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert urls(client, q="mieszkania treningowe") == []


def test_cached_searches_still_count_in_the_analytics(make, site, client, computed):
    make.news(title="Klub seniora w gminie")
    search_reindex()
    for _ in range(3):
        client.get("/api/search/", {"q": "klub seniora"})
    client.get("/szukaj/", {"q": "klub seniora"})
    assert SearchQueryLog.objects.filter(query="klub seniora", results=1).count() == 4
    assert computed == ["klub seniora"]


def test_filters_order_page_and_language_are_part_of_the_key(make, site, computed):
    for n in range(12):
        make.news(title=f"Asystent rodziny {n}")
    search_reindex()
    search_run_cached("asystent")
    search_run_cached("asystent", filters={"type": "news"})
    search_run_cached("asystent", sort="date")
    search_run_cached("asystent", page=2)
    search_run_cached("Asystent")  # letter case can change what a query means (acronyms)
    with translation.override("en"):
        english = search_run_cached("asystent")
    assert len(computed) == 6
    assert english.facets["type"][0]["label"] == "News"
    search_run_cached("asystent", page=2)
    assert len(computed) == 6


def test_an_editors_pick_shows_at_once(make, site, computed):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    page = make.news(title="Dofinansowanie dla gmin")
    search_reindex()
    assert search_run_cached("dotacje").promoted == []
    SearchPromotion.objects.create(query=Query.get("dotacje"), page=page, description="Aktualny nabór")
    assert [p.title for p in search_run_cached("dotacje").promoted] == [page.title]


def test_a_renamed_topic_shows_in_the_facets_at_once(make, site, computed):
    from tests.factories import TopicFactory

    topic = TopicFactory(name="dotacje celowe")
    make.news(title="Dofinansowanie dla gmin", topics=[topic])
    search_reindex()
    labels = lambda query: [f["label"] for f in search_run_cached(query).facets["topic"]]  # noqa: E731
    assert labels("dofinansowanie") == ["dotacje celowe"]
    topic.name = "dotacje i granty"
    topic.save()
    # Another query, computed afresh: its topic names are the new ones, not those read for the first.
    assert labels("gmin") == ["dotacje i granty"]
    assert len(computed) == 2


def test_glossary_edits_show_at_once(make, site, django_capture_on_commit_callbacks):
    from knowledge.models import GlossaryTerm

    make.news(title="Regionalny ośrodek polityki społecznej")
    search_reindex()
    assert search_run_cached("ROPS").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryTerm.objects.create(
            term="ROPS", expansion="regionalny ośrodek polityki społecznej", definition="d"
        )
    assert search_run_cached("ROPS").total == 1


def test_the_cache_can_be_turned_off(make, site, settings, computed):
    settings.SEARCH_CACHE_SECONDS = 0
    make.news(title="Usługi sąsiedzkie")
    search_reindex()
    search_run_cached("sąsiedzkie")
    search_run_cached("sąsiedzkie")
    assert computed == ["sąsiedzkie", "sąsiedzkie"]


def test_an_answer_from_the_fallback_engine_is_not_kept(make, site, settings, computed):
    make.news(title="Centrum integracji społecznej")
    search_reindex()
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    assert search_run_cached("integracji").fallback
    assert search_run_cached("integracji").total == 1
    assert len(computed) == 2


def test_a_lost_generation_starts_afresh(make, site, computed):
    make.news(title="Opieka wytchnieniowa")
    search_reindex()
    search_run_cached("wytchnieniowa")
    cache.delete(GENERATION_KEY)  # evicted, or the cache was restarted
    search_run_cached("wytchnieniowa")
    assert len(computed) == 2
