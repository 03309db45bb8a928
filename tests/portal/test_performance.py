"""Query budgets of the home page: rendering must not grow with content or repeat work between publishes."""

import datetime as dt

import pytest
from django.core.cache import caches

from portal.models import HomeFeatured
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


def _render(client, url="/"):
    caches["pages"].clear()  # measure rendering, not the full-page cache
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def home(site, make):
    topic = TopicFactory(name="finansowanie")
    for n in range(5):
        make.news(title=f"Wiadomość {n}", topics=[topic], date=dt.date(2024, 1, n + 1))
        make.training(title=f"Materiał {n}", topics=[topic], date=dt.date(2024, 2, n + 1))
        make.interpretation(title=f"Interpretacja {n}", topics=[topic], date=dt.date(2024, 3, n + 1))
        make.event(title=f"Wydarzenie {n}", topics=[topic])
    practice = make.good_practice(title="Gogolin", topics=[topic])
    site.home.featured = [HomeFeatured(page=practice)]
    site.home.save_revision().publish()
    return site.home


def test_home_page_renders_within_a_query_budget_and_reuses_its_listings(
    client, home, django_assert_max_num_queries
):
    _render(client)  # fills the navigation, settings and listings caches
    with django_assert_max_num_queries(8):
        html = _render(client).content.decode()
    assert "Wiadomość 4" in html and "Materiał 4" in html and "Interpretacja 4" in html
    assert "Wydarzenie" in html and "Gogolin" in html


def test_first_render_after_a_publish_stays_bounded(client, home, make, django_assert_max_num_queries):
    _render(client)
    make.news(title="Najnowsza wiadomość", date=dt.date(2025, 1, 1))
    # Publishing cleared the listings: the next render rebuilds them, in a fixed number of queries.
    with django_assert_max_num_queries(22):
        html = _render(client).content.decode()
    assert "Najnowsza wiadomość" in html


def test_upcoming_events_drop_out_once_they_end(client, home, make):
    from django.utils import timezone

    ended = make.event(title="Zakończone wydarzenie")
    _render(client)
    # The cached list was taken while the event was still upcoming; it ends now (no publish signal).
    type(ended).objects.filter(pk=ended.pk).update(end=timezone.now() - dt.timedelta(minutes=1))
    from django.core.cache import cache

    from portal.models import HOME_CACHE_KEY

    listings = cache.get(HOME_CACHE_KEY.format(page=home.pk))
    for event in listings["upcoming_events"]:
        if event.pk == ended.pk:
            event.end = timezone.now() - dt.timedelta(minutes=1)
    cache.set(HOME_CACHE_KEY.format(page=home.pk), listings)
    assert "Zakończone wydarzenie" not in _render(client).content.decode()
