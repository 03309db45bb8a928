"""Query budgets of detail pages and listings: fixed, whatever the number of pages in a section."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge import models as km
from tests.factories import MunicipalityFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _render(client, url):
    caches["pages"].clear()  # measure rendering, not the full-page cache
    response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.fixture
def content(make):
    topics = [TopicFactory(name="kadry"), TopicFactory(name="finansowanie")]
    opolskie = MunicipalityFactory(name="Gogolin", voivodeship="opolskie")
    pages = {
        "training": make.training(topics=topics),
        "good_practice": make.good_practice(topics=topics, municipality=opolskie),
        "interpretation": make.interpretation(topics=topics),
        "explanation": make.explanation(topics=topics),
        "news": make.news(topics=topics),
        "event": make.event(topics=topics),
    }
    return pages, topics, opolskie


@pytest.mark.parametrize(
    "kind", ["training", "good_practice", "interpretation", "explanation", "news", "event"]
)
def test_detail_pages_render_within_a_query_budget(client, content, kind, django_assert_max_num_queries):
    page = content[0][kind]
    _render(client, page.url)  # navigation and settings are cached after the first view
    with django_assert_max_num_queries(13):
        html = _render(client, page.url).content.decode()
    assert page.title in html
    # The breadcrumbs name the section the page is in.
    assert page.get_parent().title in html


def test_a_missing_detail_page_is_404_not_an_error(client, content, sections):
    assert client.get(sections[km.NewsIndexPage].url + "nie-ma-takiej/").status_code == 404


def test_listing_query_count_does_not_grow_with_items(
    client, make, content, sections, django_assert_max_num_queries
):
    _pages, topics, opolskie = content
    url = sections[km.GoodPracticeIndexPage].url + f"?voivodeship=opolskie&topic={topics[0].slug}&sort=-date"
    _render(client, url)
    with CaptureQueriesContext(connection) as few:
        _render(client, url)
    for n in range(15):
        make.good_practice(title=f"Praktyka {n}", topics=topics, municipality=opolskie)
    _render(client, url)  # publishing cleared the navigation cache
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = _render(client, url)
    assert len(many) == len(few)
    # Two topics per page join twice as many rows; each page is still listed once, newest first.
    items = list(response.context["items"])
    assert len(items) == len({p.pk for p in items}) == 12
    assert response.context["page_obj"].paginator.count == 16
