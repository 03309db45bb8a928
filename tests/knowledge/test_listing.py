import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge import models as km
from tests.factories import MunicipalityFactory, TopicFactory

pytestmark = pytest.mark.django_db


def titles(response):
    return [item.title for item in response.context["items"]]


def test_training_listing_filters_by_topic_format_audience_and_year(client, make, sections):
    ipus = TopicFactory(name="koordynator IPUS")
    osl = TopicFactory(name="organizowanie społeczności lokalnej")
    managers = km.Audience.objects.create(name="kadra zarządzająca")
    make.training(title="A", topics=[ipus], format="guide", date=dt.date(2024, 5, 1), audience=[managers])
    make.training(title="B", topics=[ipus], format="checklist", date=dt.date(2023, 5, 1))
    make.training(title="C", topics=[osl], format="guide", date=dt.date(2024, 6, 1))
    url = sections[km.TrainingIndexPage].url

    assert titles(client.get(url)) == ["C", "A", "B"]  # newest first
    assert titles(client.get(url, {"topic": ipus.slug})) == ["A", "B"]
    assert titles(client.get(url, {"topic": ipus.slug, "format": "guide"})) == ["A"]
    assert titles(client.get(url, {"audience": managers.slug})) == ["A"]
    assert titles(client.get(url, {"year": "2024"})) == ["C", "A"]
    assert titles(client.get(url, {"sort": "title"})) == ["A", "B", "C"]
    assert titles(client.get(url, {"sort": "date"})) == ["B", "A", "C"]


def test_good_practice_listing_filters_by_voivodeship_and_municipality_type(client, make, sections):
    opolskie = MunicipalityFactory(name="Gogolin", voivodeship="opolskie", kind="urban-rural")
    malopolskie = MunicipalityFactory(name="Tarnów", voivodeship="małopolskie", kind="urban")
    make.good_practice(title="Gogolin", municipality=opolskie)
    make.good_practice(title="Tarnów", municipality=malopolskie)
    url = sections[km.GoodPracticeIndexPage].url
    assert titles(client.get(url, {"voivodeship": "opolskie"})) == ["Gogolin"]
    assert titles(client.get(url, {"municipality_type": "urban"})) == ["Tarnów"]


def test_interpretation_listing_filters_by_legal_status(client, make, sections):
    current = make.interpretation(title="Aktualna")
    make.interpretation(title="Dawna", status="superseded", superseded_by=current)
    url = sections[km.InterpretationIndexPage].url
    assert titles(client.get(url, {"status": "current"})) == ["Aktualna"]
    assert titles(client.get(url, {"status": "superseded"})) == ["Dawna"]


def test_listing_hides_drafts(client, make, sections):
    make.training(title="Opublikowany")
    make.training(title="Szkic", publish=False)
    assert titles(client.get(sections[km.TrainingIndexPage].url)) == ["Opublikowany"]


def test_invalid_filter_values_are_reported_not_fatal(client, make, sections):
    make.training(title="A")
    response = client.get(sections[km.TrainingIndexPage].url, {"topic": "nie-ma-takiego", "year": "abc"})
    assert response.status_code == 200
    assert titles(response) == ["A"]
    assert 'role="alert"' in response.content.decode()


def test_filters_and_pagination_live_in_the_query_string(client, make, sections):
    topic = TopicFactory(name="diagnoza potrzeb")
    for n in range(15):
        make.training(title=f"M{n:02d}", topics=[topic], date=dt.date(2024, 1, 1) + dt.timedelta(days=n))
    url = sections[km.TrainingIndexPage].url
    first = client.get(url, {"topic": topic.slug})
    html = first.content.decode()
    assert len(first.context["items"]) == 12
    assert f"?topic={topic.slug}&amp;page=2" in html
    second = client.get(url, {"topic": topic.slug, "page": 2})
    assert titles(second) == ["M02", "M01", "M00"]
    # Out-of-range page numbers fall back to the last page instead of an error.
    assert client.get(url, {"page": 99}).status_code == 200


@pytest.mark.parametrize("count", [3, 20])
def test_listing_query_count_does_not_grow_with_items(client, make, sections, count):
    topics = [TopicFactory(name="finansowanie"), TopicFactory(name="kadry i kwalifikacje")]
    municipality = MunicipalityFactory()
    for n in range(count):
        make.good_practice(title=f"P{n}", topics=topics, municipality=municipality)
    url = sections[km.GoodPracticeIndexPage].url
    client.get(url)  # warm caches that a running server keeps (site root paths)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"topic": topics[0].slug, "voivodeship": "lubelskie"})
    assert response.status_code == 200
    assert len(response.context["items"]) == min(count, 12)
    assert len(ctx.captured_queries) <= 10, [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("count", [2, 15])
def test_training_listing_with_audience_filter_stays_within_ten_queries(client, make, sections, count):
    topic = TopicFactory(name="RODO")
    audience = km.Audience.objects.create(name="radni")
    for n in range(count):
        make.training(title=f"T{n}", topics=[topic], audience=[audience])
    url = sections[km.TrainingIndexPage].url
    client.get(url, {"page": 2})  # warm the server-side caches (nav, settings, vocabularies), not the page
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"topic": topic.slug, "audience": audience.slug, "sort": "title"})
    assert len(response.context["items"]) == min(count, 12)
    assert len(ctx.captured_queries) <= 10, [q["sql"] for q in ctx.captured_queries]


def test_topic_page_lists_everything_on_the_topic_across_types(client, make, site):
    topic = TopicFactory(name="tworzenie CUS")
    other = TopicFactory(name="RODO")
    make.training(title="Poradnik tworzenia", topics=[topic])
    make.interpretation(title="Tryb tworzenia", topics=[topic])
    make.news(title="Nowe centra", topics=[topic])
    make.news(title="Inne", topics=[other])
    topics_page = site.sections[km.TopicIndexPage]
    index_html = client.get(topics_page.url).content.decode()
    assert "tworzenie CUS" in index_html
    response = client.get(topic.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for title in ("Poradnik tworzenia", "Tryb tworzenia", "Nowe centra"):
        assert title in html
    assert "Inne" not in html
    assert client.get(topics_page.url + "nie-ma/").status_code == 404


def test_glossary_page_lists_terms(client, site):
    km.GlossaryTerm.objects.create(
        term="CUS", expansion="centrum usług społecznych", definition="Jednostka gminy."
    )
    km.GlossaryTerm.objects.create(
        term="CUW", expansion="centrum usług wspólnych", definition="Inna jednostka."
    )
    html = client.get(site.sections[km.GlossaryPage].url).content.decode()
    assert "centrum usług społecznych" in html and "centrum usług wspólnych" in html
