"""Print how many SQL queries each section listing makes, to show the count does not grow with items."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")
# Count what rendering a listing costs, not what the full-page cache saves.
os.environ["PAGE_CACHE_SECONDS"] = "0"
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from knowledge import models as km  # noqa: E402

client = Client(HTTP_HOST="127.0.0.1")
for model in (
    km.TrainingIndexPage,
    km.GoodPracticeIndexPage,
    km.InterpretationIndexPage,
    km.NewsIndexPage,
    km.EventIndexPage,
    km.ExplanationIndexPage,
):
    index = model.objects.live().first()
    items = index.get_children().live().count()
    for query in ("", "?sort=title&year=2023"):
        client.get(index.url + query, secure=True)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(index.url + query, secure=True)
        print(f"  {index.url + query:45s} status={response.status_code} items={items:3d} queries={len(ctx)}")
