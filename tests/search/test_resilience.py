"""Search survives Elasticsearch failures: a stopped node, and a lost node of a replicated 3-node cluster."""

import io
import logging
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from search.models import PendingIndexWrite
from search.selectors import search_run
from search.services import search_reindex

pytestmark = [pytest.mark.es_cluster, pytest.mark.django_db]
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "elasticsearch.sh"


def es(*args) -> str:
    result = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


@pytest.fixture
def titles(make, site):
    return [make.news(title=f"Teleopieka w gminie {n}").url for n in range(5)]


def urls(result):
    return sorted(h.url for h in result.results)


def test_search_falls_back_to_the_database_while_elasticsearch_is_down(titles, settings, caplog):
    settings.ELASTICSEARCH_URL = es("start")
    settings.ELASTICSEARCH_INDEX = "test-resilience-single"
    search_reindex()
    assert search_run("teleopieka").engine == "elasticsearch"
    es("stop")
    try:
        with caplog.at_level(logging.WARNING, logger="search.selectors"):
            during = search_run("teleopieka")
        assert during.engine in ("sqlite", "postgres") and urls(during) == sorted(titles)
        assert "answering from the database" in caplog.text
    finally:
        es("start")
    after = search_run("teleopieka")
    assert after.engine == "elasticsearch" and urls(after) == sorted(titles)


def test_changes_made_while_elasticsearch_is_down_reach_it_when_it_returns(
    titles, make, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = es("start")
    settings.ELASTICSEARCH_INDEX = "test-resilience-catch-up"
    withdrawn = make.news(title="Teleopieka: program zakończony")
    search_reindex()
    es("stop")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            new = make.news(title="Teleopieka dla seniorów w powiecie")
        with django_capture_on_commit_callbacks(execute=True):
            withdrawn.unpublish()
        expected = sorted([*titles, new.url])
        during = search_run("teleopieka")
        assert during.engine in ("sqlite", "postgres") and urls(during) == expected
    finally:
        es("start")
    assert PendingIndexWrite.objects.count() == 2
    call_command("search_catch_up", stdout=io.StringIO())
    after = search_run("teleopieka")
    assert after.engine == "elasticsearch" and urls(after) == expected
    assert not PendingIndexWrite.objects.exists()


def test_the_next_write_after_an_outage_replays_what_elasticsearch_missed(
    titles, make, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = es("start")
    settings.ELASTICSEARCH_INDEX = "test-resilience-next-write"
    search_reindex()
    es("stop")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            missed = make.news(title="Teleopieka w czasie awarii")
    finally:
        es("start")
    with django_capture_on_commit_callbacks(execute=True):
        later = make.news(title="Teleopieka po awarii")
    after = search_run("teleopieka")
    assert after.engine == "elasticsearch"
    assert urls(after) == sorted([*titles, missed.url, later.url])


def test_cluster_with_a_replica_answers_completely_after_losing_a_node(titles, settings):
    es("stop")
    try:
        settings.ELASTICSEARCH_URL = es("start", "--nodes", "3").splitlines()[-1]
        settings.ELASTICSEARCH_INDEX = "test-resilience-cluster"
        settings.ELASTICSEARCH_SHARDS = 3
        settings.ELASTICSEARCH_REPLICAS = 1
        search_reindex()
        from elasticsearch import Elasticsearch

        Elasticsearch(settings.ELASTICSEARCH_URL).cluster.health(wait_for_status="green", timeout="60s")
        before = search_run("teleopieka")
        assert before.engine == "elasticsearch" and urls(before) == sorted(titles)
        es("stop", "--node", "2")
        after = search_run("teleopieka")
        assert after.engine == "elasticsearch"
        assert after.total == len(titles) and urls(after) == sorted(titles)
    finally:
        es("stop")
        es("start")  # leave the single node running, as the suite found it
