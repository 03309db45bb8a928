"""Read-side queries for knowledge pages: listings, topics, review due dates."""

from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from knowledge import filters
from knowledge.models import (
    KNOWLEDGE_PAGE_MODELS,
    EventIndexPage,
    EventPage,
    GoodPracticeIndexPage,
    GoodPracticePage,
    InterpretationIndexPage,
    LegalInterpretationPage,
    Topic,
    TopicIndexPage,
    TrainingIndexPage,
)

FILTERS_BY_INDEX = {
    TrainingIndexPage: filters.TrainingFilter,
    GoodPracticeIndexPage: filters.GoodPracticeFilter,
    InterpretationIndexPage: filters.InterpretationFilter,
    EventIndexPage: filters.EventFilter,
}


def published(model, *, under_public_parent=False):
    """Live, publicly visible pages of one type, with what their listing cards show prefetched.

    under_public_parent: the caller lists children of a page it is already serving publicly, so only
    restrictions on the pages themselves matter; that check joins into the listing query.
    """
    qs = model.objects.live()
    qs = qs.filter(view_restrictions__isnull=True) if under_public_parent else qs.public()
    return _with_card_relations(qs)


def _with_card_relations(qs):
    qs = qs.prefetch_related("topics")
    if qs.model is GoodPracticePage:
        qs = qs.select_related("municipality")
    elif qs.model is LegalInterpretationPage:
        qs = qs.select_related("superseded_by")
    return qs


def listing_for_index(index_page, params):
    model = index_page.child_model
    filterset_class = FILTERS_BY_INDEX.get(type(index_page), filters.KnowledgeFilter)
    base = published(model, under_public_parent=True).child_of(index_page)
    # Every field of the form is optional, so an empty query string is an unbound (unfiltered) listing.
    data = params if any(v for k, v in params.items() if k != "page") else None
    # An invalid value (an unknown topic, say) is reported on the form and ignored; the rest still apply.
    filterset = filterset_class(data, queryset=base)
    items = filterset.qs if filterset.is_bound else base.order_by(*filterset_class.default_order)
    # Filters on topics or services join many-to-many tables and may repeat a page. Matching the ids in a
    # subquery removes repeats without SELECT DISTINCT over every column, body text included, which made
    # counting a filtered listing of thousands of pages several times slower on PostgreSQL.
    ordering = items.query.order_by or filterset_class.default_order
    unique = _with_card_relations(model.objects.filter(pk__in=items.order_by().values("pk")))
    return filterset, unique.order_by(*ordering)


TOPICS_URL_CACHE_KEY = "knowledge:topics-url"


def topic_url(topic: Topic) -> str | None:
    # One lookup of the topics page, not one per topic link; cleared with the navigation on publish or move.
    def load():
        index = TopicIndexPage.objects.live().first()
        return index.url if index else ""

    base = cache.get_or_set(TOPICS_URL_CACHE_KEY, load, 3600)
    return f"{base}{topic.slug}/" if base else None


def topics_with_counts():
    counts: dict[int, int] = {}
    for model in KNOWLEDGE_PAGE_MODELS:
        rows = model.objects.live().public().values("topics").annotate(n=Count("pk", distinct=True))
        for row in rows:
            if row["topics"]:
                counts[row["topics"]] = counts.get(row["topics"], 0) + row["n"]
    topics = list(Topic.objects.all())
    for topic in topics:
        topic.page_count = counts.get(topic.pk, 0)
    return topics


def pages_on_topic(topic: Topic):
    """Everything on one topic, grouped by page type, newest first."""
    sections = []
    for model in KNOWLEDGE_PAGE_MODELS:
        pages = list(published(model).filter(topics=topic).order_by("-date", "-pk"))
        if pages:
            sections.append((model._meta.verbose_name_plural, pages))
    return sections


def latest(model, limit: int = 3):
    return list(published(model).order_by("-date", "-pk")[:limit])


def upcoming_events(limit: int = 3, now=None):
    now = now or timezone.now()
    return list(published(EventPage).filter(end__gte=now).order_by("start")[:limit])


def pages_due_for_review(*, today: date | None = None, window_days: int | None = None):
    """Pages whose review date has passed or falls within the window, oldest first."""
    today = today or timezone.localdate()
    window_days = settings.PORTAL_REVIEW_WINDOW_DAYS if window_days is None else window_days
    horizon = today + timedelta(days=window_days)
    due = []
    for model in KNOWLEDGE_PAGE_MODELS:
        due.extend(model.objects.filter(review_date__lte=horizon).select_related("owner"))
    due.sort(key=lambda p: (p.review_date, p.title))
    return due
