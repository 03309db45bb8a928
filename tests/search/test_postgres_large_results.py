"""PostgreSQL past SEARCH_DATABASE_EXACT_LIMIT: estimated counts, exact ranking within a candidate window.

The limits are lowered so that a few hundred entries behave as a collection of hundreds of thousands would.
"""

import datetime as dt

import pytest

from search.backends import EngineQuery, get_backend
from search.selectors import search_run
from search.services import entries_bulk_index

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ENTRIES = 640


def document(n: int, *, title: str, body: str, day: dt.date, kind: str = "news") -> dict:
    return {
        "type": kind,
        "title": title,
        "summary": "Krótki opis materiału.",
        "body": body,
        "url": f"/duze/{n}/",
        "date": day,
        "status": "",
        "voivodeship": "",
        "municipality_kind": "",
        "municipality": "",
        "topics": [],
        "legal_basis": [],
    }


@pytest.fixture
def collection(settings):
    """640 entries about social services; three also mention a rare word, one of them in its title."""
    settings.SEARCH_DATABASE_EXACT_LIMIT = 100
    settings.SEARCH_DATABASE_RANK_WINDOW = 20
    settings.SEARCH_DATABASE_TITLE_CANDIDATES = 20
    settings.SEARCH_DATABASE_RECENT_CANDIDATES = 10
    start = dt.date(2020, 1, 1)
    docs = [
        document(
            n,
            title=f"Usługi społeczne w gminie, część {n}",
            body="Gmina organizuje usługi społeczne dla mieszkańców. " * (1 + n % 5),
            day=start + dt.timedelta(days=n // 4),  # four entries a day: ties in date order
            kind="news" if n % 3 else "training_material",
        )
        for n in range(ENTRIES)
    ]
    docs[100]["body"] += " Hipoterapia dla dzieci w gminie."
    docs[200]["body"] += " Zajęcia z hipoterapii."
    docs[300]["title"] = "Hipoterapia jako usługa społeczna"
    entries_bulk_index(docs)
    return docs


def exact(query: EngineQuery):
    backend = get_backend()
    return super(type(backend), backend).search(query)


def tokens(text: str) -> list[str]:
    from search.selectors import query_tokens
    from search.services import analyzer

    return query_tokens(analyzer(), text)[0]


def test_rare_words_rank_first_as_with_exact_ranking(collection):
    query = EngineQuery(tokens=tokens("hipoterapia usługi społeczne"))
    windowed = get_backend().search(query)
    assert not windowed.exact
    assert windowed.hits[:3] == exact(query).hits[:3]
    urls = [entry.url for entry in _entries(windowed.hits[:3])]
    assert urls[0] == "/duze/300/"  # the word in the title
    assert set(urls) == {"/duze/100/", "/duze/200/", "/duze/300/"}


def sampled(condition: str = "TRUE", params=()) -> int:
    """Entries in the estimation sample that meet `condition`, times the share they stand for."""
    from django.db import connection

    from search.backends.postgres import SAMPLE_CONDITION, SAMPLE_SHARE

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM search_searchentry e WHERE {SAMPLE_CONDITION} AND {condition}", params
        )
        return cursor.fetchone()[0] * SAMPLE_SHARE


def test_the_total_and_facets_are_estimated_from_the_sample(collection):
    query = EngineQuery(tokens=tokens("gmina usługi"))
    windowed = get_backend().search(query)
    assert exact(query).total == ENTRIES and not windowed.exact
    assert windowed.total == sampled()
    assert abs(windowed.total - ENTRIES) <= ENTRIES * 0.4  # one in sixteen of 640: a rough figure
    types = dict(windowed.facets["type"])
    assert types == {
        "training_material": sampled("e.type = %s", ["training_material"]),
        "news": sampled("e.type = %s", ["news"]),
    }


def test_a_single_word_total_is_exact(collection):
    windowed = get_backend().search(EngineQuery(tokens=tokens("gmina")))
    assert not windowed.exact and windowed.total == ENTRIES


def test_sorting_by_date_stays_exact(collection):
    query = EngineQuery(tokens=tokens("usługi społeczne"), sort="date", offset=10, limit=7)
    assert [pk for pk, _ in get_backend().search(query).hits] == [pk for pk, _ in exact(query).hits]


def test_a_word_no_entry_holds_leaves_the_others_to_rank(collection):
    query = EngineQuery(tokens=tokens("usługi zzyzx"))
    windowed = get_backend().search(query)
    assert not windowed.exact and len(windowed.hits) == 10
    assert windowed.hits[0] == exact(query).hits[0]


def test_filters_apply_to_the_window_and_the_estimates(collection):
    query = EngineQuery(tokens=tokens("usługi"), filters={"type": "training_material", "year": 2020})
    windowed = get_backend().search(query)
    entries = _entries(windowed.hits)
    assert entries and all(e.type == "training_material" and e.date.year == 2020 for e in entries)
    in_2020 = "e.type = %s AND e.date >= %s AND e.date < %s"
    assert windowed.total == sampled(in_2020, ["training_material", "2020-01-01", "2021-01-01"])


def test_a_new_entry_with_a_rare_word_is_found_at_once(collection):
    entries_bulk_index([document(999, title="Dogoterapia w gminie", body="Usługi.", day=dt.date(2019, 1, 1))])
    result = search_run("dogoterapia usługi społeczne")
    assert result.results[0].url == "/duze/999/"


def test_the_api_and_the_page_say_the_count_is_approximate(collection, client):
    data = client.get("/api/search/", {"q": "usługi społeczne"}).json()
    assert data["count_exact"] is False and data["count"] > 500
    page = client.get("/szukaj/", {"q": "usługi społeczne"}).content.decode()
    assert "około" in page


def _entries(hits):
    from search.models import SearchEntry

    found = SearchEntry.objects.in_bulk([pk for pk, _ in hits])
    return [found[pk] for pk, _ in hits]


def test_pages_end_where_the_windowed_ranking_ends(collection):
    """Ranked by relevance, a page past the candidates would be empty: the pages offered stop before it."""
    first = search_run("usługi społeczne w gminie", per_page=10)
    assert not first.exact and first.total >= ENTRIES // 2
    assert first.reachable is not None and first.reachable < first.total
    assert first.num_pages == -(-first.reachable // 10) < -(-first.total // 10)
    last = search_run("usługi społeczne w gminie", page=first.num_pages, per_page=10)
    assert last.results and last.num_pages == first.num_pages
    beyond = search_run("usługi społeczne w gminie", page=first.num_pages + 5, per_page=10)
    assert beyond.results == [] and beyond.num_pages == first.num_pages
    by_date = search_run("usługi społeczne w gminie", sort="date", per_page=10)
    assert by_date.reachable is None  # date order reaches every match


def test_date_order_shows_the_last_matches_and_counts_them(collection):
    """In date order the last page is partly full; a page past an estimate that came out too high is empty but
    corrects the count, so the pages offered end at the last match."""
    words = tokens("usługi społeczne")
    last = EngineQuery(tokens=words, sort="date", offset=ENTRIES - 6, limit=10)
    windowed = get_backend().search(last)
    assert [pk for pk, _ in windowed.hits] == [pk for pk, _ in exact(last).hits]
    assert len(windowed.hits) == 6 and windowed.total == ENTRIES
    beyond = get_backend().search(EngineQuery(tokens=words, sort="date", offset=ENTRIES + 40, limit=10))
    assert beyond.hits == [] and beyond.total == ENTRIES
    page = search_run("usługi społeczne", sort="date", page=ENTRIES // 10 + 5, per_page=10)
    assert page.results == [] and page.num_pages == ENTRIES // 10
