"""Health of the services the portal depends on, for load balancers and monitoring.

The database is essential: without it no page can be served, so the portal answers 503 and a balancer takes
the server out. Cache, search and queue problems only degrade the site (pages render without the cache,
search falls back to the database, side effects wait in the queue), so the answer stays 200.
"""

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

OK, DEGRADED, DOWN = "ok", "degraded", "down"
# A balancer probes every few seconds; a slow dependency must not make the probe itself hang.
TIMEOUT_SECONDS = 2
DB_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


def _timed(name: str, check: Callable[[], dict]) -> dict:
    """Run one check; a failure becomes its status, with the exception's class name only.

    The message may name hosts, ports or accounts, which a public endpoint must not show; it goes to the log.
    """
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:
        logger.warning("health check %s failed: %s", name, exc)
        result = {"status": DOWN, "error": type(exc).__name__}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database(alias: str = "default") -> dict:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": OK}


def check_databases() -> dict:
    """Every configured database alias answers a trivial query; the worst one decides."""
    results = {}
    for alias in connections:
        results[alias] = _timed(f"database {alias}", lambda alias=alias: check_database(alias))
    status = DOWN if any(r["status"] != OK for r in results.values()) else OK
    result = {"status": status}
    if len(results) > 1:
        result["aliases"] = results
    elif results["default"]["status"] != OK:
        result["error"] = results["default"]["error"]
    return result


def check_cache(alias: str = "default") -> dict:
    """A write and a read back: a cache that accepts writes but loses them is of no use either."""
    cache = caches[alias]
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        return {"status": DOWN, "error": "ReadBack"}
    return {"status": OK, "backend": type(cache).__name__}


def check_search() -> dict:
    url = getattr(settings, "ELASTICSEARCH_URL", None)
    if not url:
        return {"status": OK, "engine": "database"}
    from elasticsearch import Elasticsearch

    client = Elasticsearch(url, request_timeout=TIMEOUT_SECONDS, retry_on_timeout=False, max_retries=0)
    try:
        health = client.cluster.health(timeout=f"{TIMEOUT_SECONDS}s")
    finally:
        client.close()
    # Yellow is normal for one node (replicas have nowhere to go); red means a shard cannot answer.
    cluster = health.get("status")
    status = OK if cluster in ("green", "yellow") else DOWN
    return {"status": status, "engine": "elasticsearch", "cluster": cluster}


def check_queue() -> dict:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != DB_TASKS_BACKEND:
        return {"status": OK, "backend": "immediate" if backend.endswith("ImmediateBackend") else backend}
    from django.db.models import Min
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.ready().aggregate(oldest=Min("enqueued_at"))
    count = DBTaskResult.objects.ready().count()
    oldest_age = (timezone.now() - ready["oldest"]).total_seconds() if ready["oldest"] else 0.0
    # A worker takes ready tasks within seconds; tasks waiting longer mean the worker is stopped or stuck.
    status = DEGRADED if oldest_age > settings.HEALTH_QUEUE_MAX_AGE_SECONDS else OK
    return {"status": status, "backend": "database", "ready": count, "oldest_ready_s": round(oldest_age, 1)}


def health_report() -> tuple[str, dict]:
    """The overall status and each check's status and latency."""
    checks = {
        "database": _timed("database", check_databases),
        "cache": _timed("cache", check_cache),
        "search": _timed("search", check_search),
        "queue": _timed("queue", check_queue),
    }
    if checks["database"]["status"] != OK:
        status = DOWN
    elif any(c["status"] != OK for c in checks.values()):
        status = DEGRADED
    else:
        status = OK
    return status, checks


@never_cache
def health(request):
    status, checks = health_report()
    return JsonResponse({"status": status, "checks": checks}, status=503 if status == DOWN else 200)
