import logging

import pytest

from search.services import search_reindex
from tests.factories import paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(make, site, settings):
    settings.ELASTICSEARCH_URL = None
    page = make.training(
        title="Diagnoza potrzeb mieszkańców",
        summary="Jak przeprowadzić diagnozę.",
        body=paragraph("Diagnoza potrzeb i potencjału wspólnoty samorządowej."),
    )
    search_reindex()
    return page


def test_api_returns_the_documented_shape(client, indexed):
    response = client.get("/api/search/", {"q": "diagnozy potrzeb"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    hit = data["results"][0]
    assert set(hit) == {"title", "url", "type", "snippet", "score", "date"}
    assert hit["title"] == "Diagnoza potrzeb mieszkańców" and hit["type"] == "training_material"
    assert hit["url"] == "http://testserver" + indexed.url
    assert "<mark>" in hit["snippet"]
    assert {"type", "topic", "year"} <= set(data["facets"])
    assert "suggestion" in data


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 201},
        {"q": "a", "page": "zero"},
        {"q": "a", "page": "0"},
        {"q": "a", "type": "recipe"},
        {"q": "a", "year": "20x5"},
        {"q": "a", "sort": "random"},
        {"q": "a", "topic": "<script>"},
    ],
)
def test_bad_parameters_get_a_400_with_a_message(client, indexed, params):
    response = client.get("/api/search/", params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_search_page_renders_results_facets_and_keeps_the_query(client, indexed):
    html = client.get("/szukaj/", {"q": "diagnoza"}).content.decode()
    assert "Diagnoza potrzeb mieszkańców" in html and "<mark>" in html
    assert 'value="diagnoza"' in html
    assert "Typ treści" in html or "Content type" in html


def test_search_page_with_nothing_found_offers_help(client, indexed):
    html = client.get("/szukaj/", {"q": "zzzzqqq"}).content.decode()
    assert "/tematy/" in html and "/konsultacje/nowa/" in html


def test_searches_are_logged_for_analytics(client, indexed):
    from search.models import SearchQueryLog

    client.get("/szukaj/", {"q": "Diagnoza"})
    client.get("/api/search/", {"q": "nic-takiego-nie-ma"})
    logged = dict(SearchQueryLog.objects.values_list("query", "results"))
    assert logged == {"diagnoza": 1, "nic-takiego-nie-ma": 0}


def test_elasticsearch_down_falls_back_to_the_database(client, indexed, settings, caplog):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="search.selectors"):
        response = client.get("/api/search/", {"q": "diagnoza"})
    assert response.status_code == 200 and response.json()["count"] == 1
    assert "answering from the database" in caplog.text


def test_editors_promote_results_for_chosen_queries(client, indexed, make):
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    guide = make.training(title="Poradnik: jak zacząć")
    SearchPromotion.objects.create(query=Query.get("Diagnoza"), page=guide, description="Zacznij tutaj.")
    data = client.get("/api/search/", {"q": "diagnoza"}).json()
    assert data["promoted"] == [
        {
            "title": "Poradnik: jak zacząć",
            "url": "http://testserver" + guide.url,
            "description": "Zacznij tutaj.",
        }
    ]
    html = client.get("/szukaj/", {"q": "diagnoza"}).content.decode()
    assert "Poradnik: jak zacząć" in html and "Zacznij tutaj." in html


def test_search_analytics_shows_top_and_empty_queries_to_editors(client, indexed, admin_user):
    from tests.factories import UserFactory

    for q in ("diagnoza", "diagnoza", "zzzz"):
        client.get("/api/search/", {"q": q})
    outsider = UserFactory(username="ekspert1", groups=["Experts"])
    client.force_login(outsider)
    assert client.get("/admin/reports/search/").status_code in (302, 403)
    client.force_login(admin_user)
    html = client.get("/admin/reports/search/").content.decode()
    top = html.split("Zapytania bez wyników")[0] if "Zapytania bez wyników" in html else html
    assert "diagnoza" in top and "zzzz" in html


def test_autocomplete_suggests_titles_without_needing_diacritics(client, indexed, make):
    make.news(title="Żłobek w centrum usług")
    search_reindex()
    data = client.get("/api/search/autocomplete/", {"q": "zlob"}).json()
    assert [r["title"] for r in data["results"]] == ["Żłobek w centrum usług"]
    assert client.get("/api/search/autocomplete/", {"q": "diagnoza potrz"}).json()["results"][0]["title"] == (
        "Diagnoza potrzeb mieszkańców"
    )
    assert client.get("/api/search/autocomplete/", {"q": "d"}).json() == {"results": []}


def test_search_box_is_a_plain_form_that_scripts_enhance(client, site):
    html = client.get("/").content.decode()
    assert 'action="/szukaj/"' in html and 'data-autocomplete="/api/search/autocomplete/"' in html
    assert 'role="combobox"' not in html  # added by the script, so the box still works without it
    assert "/static/js/autocomplete.js" in html
