import json
import logging
import socket

import pytest
from django.db import connections
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from portal.logs import JsonFormatter


def closed_port() -> int:
    """A loopback port nothing listens on: bound, then released, so a connection is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_database(django_db_setup, django_db_blocker):
    """A second database alias pointing at a closed port, as when the database server has gone away.

    Outside a test case (no db fixture): Django's per-test guard would refuse connections to an alias the
    test case does not list, before the real connection could even fail. The check only reads.
    """
    alias = "unreachable"
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "cus",
        "USER": "cus",
        "PASSWORD": "cus",
        "HOST": "127.0.0.1",
        "PORT": closed_port(),
        "OPTIONS": {"connect_timeout": 2},
    }
    configured = connections.configure_settings({"default": connections.settings["default"], alias: config})
    connections.settings[alias] = configured[alias]
    with django_db_blocker.unblock():
        yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.mark.django_db
def test_healthy_setup_answers_ok_with_every_check(client):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "search", "queue"}
    for check in body["checks"].values():
        assert check["status"] == "ok"
        assert 0 <= check["latency_ms"] < 2000
    assert body["checks"]["search"]["engine"] == "database"
    assert body["checks"]["queue"]["backend"] == "immediate"


@pytest.mark.django_db
def test_health_is_never_cached(client):
    response = client.get(reverse("health"))

    assert "no-store" in response["Cache-Control"]
    # The page cache must not keep it either: a second probe measures again.
    assert client.get(reverse("health")).json()["checks"]["database"]["latency_ms"] is not None


def test_unreachable_database_makes_the_server_down(client, unreachable_database):
    response = client.get(reverse("health"))

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    database = body["checks"]["database"]
    assert database["status"] == "down"
    assert database["aliases"]["default"]["status"] == "ok"
    assert database["aliases"][unreachable_database]["status"] == "down"
    assert database["aliases"][unreachable_database]["error"] == "OperationalError"
    # The public answer names no host, port or account.
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_unreachable_elasticsearch_degrades_but_keeps_serving(client, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"

    response = client.get(reverse("health"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["status"] == "down"
    assert body["checks"]["search"]["latency_ms"] < 2000
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_database_queue_reports_waiting_tasks(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_QUEUE_MAX_AGE_SECONDS = 60
    from search.tasks import page_changed_task

    page_changed_task.enqueue(0)
    assert DBTaskResult.objects.ready().count() == 1

    queue = client.get(reverse("health")).json()["checks"]["queue"]
    assert queue == {**queue, "status": "ok", "backend": "database", "ready": 1}

    # A task nobody took for ten minutes means the worker is not running.
    DBTaskResult.objects.update(enqueued_at=DBTaskResult.objects.get().enqueued_at.replace(year=2000))
    body = client.get(reverse("health")).json()
    assert body["status"] == "degraded"
    assert body["checks"]["queue"]["status"] == "degraded"


def test_json_log_lines_carry_the_request_id(client, db, settings):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    formatter = JsonFormatter()
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(formatter.format(record))

    logger = logging.getLogger("portal.health")
    handler = Collect()
    logger.addHandler(handler)
    try:
        # The failing search check logs a warning while the request is handled.
        response = client.get(reverse("health"), HTTP_X_REQUEST_ID="probe-0001-abcd")
    finally:
        logger.removeHandler(handler)

    assert response["X-Request-ID"] == "probe-0001-abcd"
    record = json.loads(lines[-1])
    assert record["request_id"] == "probe-0001-abcd"
    assert (record["level"], record["logger"]) == ("WARNING", "portal.health")


@pytest.mark.django_db
def test_forged_request_ids_are_replaced(client):
    response = client.get(reverse("health"), HTTP_X_REQUEST_ID="x\nfake log line")

    assert response["X-Request-ID"] != "x\nfake log line"
    assert len(response["X-Request-ID"]) == 32
