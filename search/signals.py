from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move


def _enqueue(page_id: int) -> None:
    from search.tasks import page_changed_task

    page_changed_task.enqueue(page_id)


def _page_event(sender, instance, **kwargs):
    transaction.on_commit(partial(_enqueue, instance.pk))


def _page_deleting(sender, instance, **kwargs):
    """The page's entry goes with it (cascade); engines outside the database must drop it as well."""
    from search.models import SearchEntry
    from search.tasks import entries_deleted_task

    entry_ids = list(SearchEntry.objects.filter(page_id=instance.pk).values_list("pk", flat=True))
    if entry_ids:
        transaction.on_commit(partial(entries_deleted_task.enqueue, entry_ids))


def _page_moved(sender, instance, **kwargs):
    # A move changes the URLs of the page and all of its descendants.
    for page_id in Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True):
        transaction.on_commit(partial(_enqueue, page_id))


def _glossary_texts(term) -> list[str]:
    return [text for text in (term.term, term.expansion, *term.synonym_list) if text]


def _glossary_before_save(sender, instance, **kwargs):
    # An edit may drop a full form; the pages containing the old one must lose the term token too.
    previous = sender.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._search_previous_texts = _glossary_texts(previous) if previous else []


def _glossary_changed(sender, instance, **kwargs):
    """Reload the synonyms and re-index the pages that contain the term or one of its forms."""
    from search.tasks import glossary_changed_task

    texts = list(
        dict.fromkeys([*getattr(instance, "_search_previous_texts", []), *_glossary_texts(instance)])
    )
    transaction.on_commit(partial(glossary_changed_task.enqueue, texts))


def _shown_in_results_changed(sender, **kwargs):
    """Editors' picks and topic names are part of cached search results."""
    from search.services import search_cache_invalidate

    search_cache_invalidate()


def connect():
    from wagtail.contrib.search_promotions.models import SearchPromotion

    from knowledge.models import GlossaryTerm, Topic

    page_published.connect(_page_event, dispatch_uid="search_page_published")
    page_unpublished.connect(_page_event, dispatch_uid="search_page_unpublished")
    pre_delete.connect(_page_deleting, sender=Page, dispatch_uid="search_page_deleting")
    post_delete.connect(_page_event, sender=Page, dispatch_uid="search_page_deleted")
    post_page_move.connect(_page_moved, dispatch_uid="search_page_moved")
    pre_save.connect(_glossary_before_save, sender=GlossaryTerm, dispatch_uid="search_glossary_saving")
    post_save.connect(_glossary_changed, sender=GlossaryTerm, dispatch_uid="search_glossary_saved")
    post_delete.connect(_glossary_changed, sender=GlossaryTerm, dispatch_uid="search_glossary_deleted")
    for model in (SearchPromotion, Topic):
        for signal in (post_save, post_delete):
            signal.connect(
                _shown_in_results_changed, sender=model, dispatch_uid=f"search_results_{model.__name__}"
            )
