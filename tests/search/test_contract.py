"""One contract for every engine: SQLite FTS5, PostgreSQL and Elasticsearch behave the same for users."""

import datetime as dt

import pytest

from knowledge import models as km
from search.selectors import search_run
from search.services import search_reindex
from tests.factories import MunicipalityFactory, TopicFactory, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(make, site):
    care = TopicFactory(name="usługi opiekuńcze")
    create = TopicFactory(name="tworzenie CUS")
    km.GlossaryTerm.objects.create(term="CUS", expansion="centrum usług społecznych", definition="d")
    km.GlossaryTerm.objects.create(term="CUW", expansion="centrum usług wspólnych", definition="d")
    km.GlossaryTerm.objects.create(
        term="IPUS", expansion="indywidualny plan usług społecznych", definition="d"
    )
    pages = {
        "care": make.training(
            title="Organizacja usług opiekuńczych w gminie",
            summary="Jak zlecać i rozliczać usługi opiekuńcze.",
            body=paragraph("Usługi opiekuńcze świadczone są w miejscu zamieszkania osoby starszej."),
            topics=[care],
            date=dt.date(2024, 3, 1),
        ),
        "centre": make.news(
            title="Nowe centrum usług społecznych w powiecie",
            summary="Rada gminy przyjęła uchwałę o utworzeniu centrum.",
            body=paragraph("Centrum usług społecznych zastąpi dotychczasowy ośrodek pomocy społecznej."),
            topics=[create],
            date=dt.date(2025, 5, 1),
        ),
        "cuw": make.news(
            title="Wspólna księgowość szkół",
            summary="CUW prowadzi obsługę finansową jednostek oświatowych.",
            body=paragraph("Centrum usług wspólnych przejmie księgowość."),
            date=dt.date(2025, 1, 1),
        ),
        "ipus": make.training(
            title="Etapy pracy z IPUS",
            summary="Kolejne kroki przygotowania planu dla mieszkańca.",
            body=paragraph(
                "Koordynator przygotowuje indywidualny plan usług społecznych wspólnie z mieszkańcem."
            ),
            date=dt.date(2023, 1, 1),
        ),
        "art30": make.interpretation(
            title="Kto może być koordynatorem?",
            summary="Wymagania wobec koordynatora planów.",
            legal_basis=[("30", "1", "")],
            date=dt.date(2024, 1, 1),
        ),
        "art3": make.interpretation(
            title="Definicje ustawowe",
            summary="Znaczenie pojęć używanych w ustawie.",
            legal_basis=[("3", "", "")],
            date=dt.date(2024, 1, 1),
        ),
        "gogolin": make.good_practice(
            title="Dobra praktyka z Opolszczyzny",
            summary="Przekształcenie ośrodka w centrum.",
            municipality=MunicipalityFactory(name="Gogolin", voivodeship="opolskie", kind="urban-rural"),
            topics=[create],
            date=dt.date(2021, 7, 9),
        ),
    }
    return pages


def ids(result):
    return [h.url for h in result.results]


def test_inflected_forms_match(engine, corpus):
    search_reindex()
    result = search_run("usługami opiekuńczymi")
    assert ids(result)[0] == corpus["care"].url


def test_text_without_diacritics_matches(engine, corpus):
    search_reindex()
    assert corpus["care"].url in ids(search_run("uslugi opiekuncze"))
    assert ids(search_run("osrodka pomocy spolecznej"))[0] == corpus["centre"].url


def test_acronym_matches_its_expansion_and_back_but_not_cuw(engine, corpus):
    search_reindex()
    found = ids(search_run("CUS"))
    assert corpus["centre"].url in found
    assert corpus["cuw"].url not in found
    assert corpus["ipus"].url in ids(search_run("indywidualnego planu usług"))
    assert ids(search_run("etapy IPUS"))[0] == corpus["ipus"].url


def test_title_match_ranks_above_body_match(engine, corpus, make):
    body_only = make.news(
        title="Aktualności", summary="Różne sprawy.", body=paragraph("Wspomniano o koordynatorze.")
    )
    search_reindex()
    found = ids(search_run("koordynator"))
    assert found.index(corpus["art30"].url) < found.index(body_only.url)


def test_current_interpretation_ranks_above_superseded(engine, make, site):
    current = make.interpretation(
        title="Asystent osobisty w centrum", summary="Zasady.", date=dt.date(2020, 1, 1)
    )
    make.interpretation(
        title="Asystent osobisty w centrum",
        summary="Zasady.",
        date=dt.date(2020, 1, 1),
        status="superseded",
        superseded_by=current,
    )
    search_reindex()
    assert ids(search_run("asystent osobisty"))[0] == current.url


def test_citation_query_finds_the_article(engine, corpus):
    search_reindex()
    found = ids(search_run("art. 30 ustawy o CUS"))
    assert found[0] == corpus["art30"].url
    assert ids(search_run("art 30"))[0] == corpus["art30"].url


def test_drafts_and_private_pages_are_never_found(engine, make, site):
    from wagtail.models import PageViewRestriction

    make.training(title="Szkic o teleopiece", publish=False)
    private = make.training(title="Poufne o teleopiece")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    public = make.training(title="Publiczne o teleopiece")
    search_reindex()
    assert ids(search_run("teleopieka")) == [public.url]


def test_facets_count_and_filters_apply(engine, corpus):
    search_reindex()
    result = search_run("centrum")
    facets = {name: {f["value"]: f["count"] for f in values} for name, values in result.facets.items()}
    assert facets["type"]["news"] >= 1
    assert facets["topic"]["tworzenie-cus"] >= 1
    only_news = search_run("centrum", filters={"type": "news"})
    assert only_news.total == facets["type"]["news"]
    assert all(h.type == "news" for h in only_news.results)
    opolskie = search_run("centrum", filters={"voivodeship": "opolskie"})
    assert ids(opolskie) == [corpus["gogolin"].url]


def test_sort_by_date(engine, corpus):
    search_reindex()
    dates = [h.date for h in search_run("centrum", sort="date").results]
    assert dates == sorted(dates, reverse=True)


def test_pagination(engine, make, site):
    for n in range(13):
        make.news(title=f"Spotkanie sieci {n}")
    search_reindex()
    first = search_run("spotkanie", per_page=10)
    second = search_run("spotkanie", page=2, per_page=10)
    assert first.total == 13 and len(first.results) == 10 and len(second.results) == 3
    assert not set(ids(first)) & set(ids(second))


def test_snippets_highlight_inflected_matches(engine, corpus):
    search_reindex()
    hit = search_run("usługa opiekuńcza").results[0]
    assert "<mark>Usługi</mark>" in hit.snippet or "<mark>usługi</mark>" in hit.snippet


def test_did_you_mean_for_a_typo(engine, corpus):
    search_reindex()
    result = search_run("koordynatr")
    assert result.suggestion == "koordynator"


def test_a_typo_is_read_as_the_commoner_word_in_every_process(make, site, monkeypatch):
    """ "karry" is one letter from both "kadry" and "karty"; the index holds "karty" six times as often.

    The weights come from the database's index whichever engine answers, so this runs on the database only.
    """
    from search import polish
    from search.selectors import snippet
    from search.services import analyzer

    for n in range(6):
        make.news(title=f"Karty usług {n}", body=paragraph("Karty informacyjne usług dla mieszkańców."))
    make.news(title="Kadry centrum", body=paragraph("Kadry ośrodka."))
    search_reindex()
    monkeypatch.setattr(polish, "_singleton", None)  # the analyser a newly started process loads
    fresh = analyzer()
    assert fresh.suggest("karry") == "karty"
    assert {hit.title for hit in search_run("karry").results} == {f"Karty usług {n}" for n in range(6)}
    for _ in range(50):  # a process that happened to show "kadry" in many snippets reads it the same
        snippet(fresh, "Kadry, kadry i jeszcze raz kadry ośrodka.", {"kadra"})
    assert fresh.suggest("karry") == "karty"


def test_index_follows_publish_unpublish_and_delete(engine, make, site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        page = make.news(title="Wsparcie wytchnieniowe dla opiekunów")
    assert ids(search_run("wytchnieniowe")) == [page.url]
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert ids(search_run("wytchnieniowe")) == []
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert ids(search_run("wytchnieniowe")) == [page.url]
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    gone = search_run("wytchnieniowe")
    assert ids(gone) == [] and gone.total == 0 and not any(gone.facets.get("type", []))


# The worker closes database connections between tasks, as a long-running process should, so this test
# commits for real instead of running inside a rolled-back transaction.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_indexing_runs_in_the_task_queue_not_in_the_request(make, site, settings):
    """With the database queue, publishing only enqueues; the worker makes the page findable."""
    from django.core.management import call_command

    settings.ELASTICSEARCH_URL = None
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = make.news(title="Asystencja osobista w gminie")
    assert search_run("asystencja").total == 0  # queued, not yet indexed
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [h.url for h in search_run("asystencja").results] == [page.url]
