"""The site keeps serving when Redis, which holds the shared cache, is down."""

import socket

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    # Nothing listens here: connections are refused at once, as with a stopped Redis.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    url = f"redis://127.0.0.1:{_closed_port()}"
    options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    settings.CACHES = {
        alias: {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"{url}/{n}", "OPTIONS": options}
        for n, alias in enumerate(("default", "pages"))
    }
    settings.RATELIMIT_FAIL_OPEN = True
    yield


def test_pages_search_and_sign_in_work_without_redis(client, make, redis_down):
    page = make.training(title="Szkolenie dla gmin")
    assert "Szkolenie dla gmin" in client.get(page.url).content.decode()
    assert client.get("/").status_code == 200
    assert client.get(reverse("search_api"), {"q": "szkolenie"}).status_code == 200
    response = client.post(reverse("account_login"), {"username": "nikt", "password": "zle-haslo"})
    assert response.status_code == 200  # the form answers "wrong login", not a server error


def test_publishing_while_redis_is_down_does_not_fail(make, redis_down, django_capture_on_commit_callbacks):
    page = make.training(title="Wersja 1")
    page.title = "Wersja 2"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()  # clears the page cache, which is unreachable
    page.refresh_from_db()
    assert page.title == "Wersja 2"


def test_search_results_are_computed_while_redis_is_down(client, make, redis_down):
    from search.models import SearchQueryLog
    from search.services import search_reindex

    page = make.news(title="Teleopieka w gminie")
    search_reindex()  # the new generation of cached results cannot be stored: nothing breaks
    for _ in range(2):
        data = client.get(reverse("search_api"), {"q": "teleopieka"}).json()
        assert [hit["title"] for hit in data["results"]] == [page.title]
    assert SearchQueryLog.objects.filter(query="teleopieka").count() == 2


def test_search_works_when_the_cache_raises(make, settings, redis_down):
    from search.selectors import search_run_cached
    from search.services import search_reindex

    make.news(title="Teleopieka w gminie")
    search_reindex()
    default = settings.CACHES["default"]
    settings.CACHES = {
        **settings.CACHES,
        "default": {**default, "OPTIONS": {**default["OPTIONS"], "IGNORE_EXCEPTIONS": False}},
    }
    assert search_run_cached("teleopieka").total == 1
