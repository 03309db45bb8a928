"""Time rendering without the page cache, one request at a time, in-process (Django test client).

Prints mean, p50, p95, CPU time and the SQL query count per page: home, a filtered listing, a detail page
of each type and, when the demo lawyer exists, the desk's case list signed in as that lawyer (never cached).
Uses whatever DATABASE_URL points at (the benchmarks use PostgreSQL with demo_scale content).

    DATABASE_URL=postgres://cus:cus@127.0.0.1:5433/cus_perf .venv/bin/python bench/render_latency.py [-n 200]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-but-long-enough-for-django-checks-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("STATIC_ROOT", str(Path(__file__).resolve().parent / "results" / "static"))
os.environ.setdefault("MEDIA_ROOT", str(Path(__file__).resolve().parent / "results" / "media"))
# Measure what rendering costs, not what the full-page cache saves.
os.environ["PAGE_CACHE_SECONDS"] = "0"
django.setup()

if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from knowledge import models as km  # noqa: E402

LAWYER = "prawnik"


def targets() -> list[tuple[str, str]]:
    urls = [("home", "/"), ("listing", "/dobre-praktyki/?voivodeship=opolskie&sort=-date")]
    for model in (
        km.LegalInterpretationPage,
        km.GoodPracticePage,
        km.TrainingMaterialPage,
        km.NewsPage,
        km.EventPage,
    ):
        page = model.objects.live().order_by("pk").first()
        if page is not None:
            urls.append((f"detail:{model.__name__.removesuffix('Page')}", page.url))
    return urls


def measure(client, url: str, n: int) -> dict:
    for _ in range(5):  # warm the process: imports, templates, the navigation cache
        client.get(url, secure=True)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper rather than the debug query log, which the request_started signal empties mid-request.
    with connection.execute_wrapper(count):
        response = client.get(url, secure=True)
    if os.environ.get("SHOW_QUERIES"):
        print("\n".join(f"    {q[:160]}" for q in queries))
    assert response.status_code == 200, (url, response.status_code)
    times = []
    cpu_started = time.process_time()
    for _ in range(n):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
    # CPU time of this process alone: steadier than wall time on a shared machine, though it leaves out
    # the database's share of the work.
    cpu = (time.process_time() - cpu_started) * 1000 / n
    times.sort()
    return {
        "mean": statistics.fmean(times),
        "p50": times[len(times) // 2],
        "p95": times[int(len(times) * 0.95) - 1],
        "queries": len(queries),
        "cpu": cpu,
    }


def lawyer_client() -> Client | None:
    """A client signed in as the demo lawyer (demo_scale gives them thousands of cases), if there is one."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=LAWYER).first()
    if user is None:
        return None
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200, help="requests per page")
    args = parser.parse_args()
    client = Client(HTTP_HOST="127.0.0.1")
    runs = [(name, url, client) for name, url in targets()]
    lawyer = lawyer_client()
    if lawyer is not None:
        runs.append(("desk list (lawyer)", reverse("consultation_list"), lawyer))
    print(f"rendering without the page cache, one request at a time, n={args.n}, {connection.vendor}")
    print(f"{'page':26s} {'mean_ms':>8s} {'p50_ms':>8s} {'p95_ms':>8s} {'cpu_ms':>8s} {'queries':>8s}  url")
    for name, url, runner in runs:
        r = measure(runner, url, args.n)
        figures = f"{r['mean']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['cpu']:8.1f} {r['queries']:8d}"
        print(f"{name:26s} {figures}  {url}")


if __name__ == "__main__":
    main()
