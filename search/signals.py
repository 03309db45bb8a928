from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move


def _enqueue(page_id: int) -> None:
    from search.tasks import page_changed_task

    page_changed_task.enqueue(page_id)


def _page_event(sender, instance, **kwargs):
    transaction.on_commit(partial(_enqueue, instance.pk))


def _page_moved(sender, instance, **kwargs):
    # A move changes the URLs of the page and all of its descendants.
    for page_id in Page.objects.descendant_of(instance, inclusive=True).values_list("pk", flat=True):
        transaction.on_commit(partial(_enqueue, page_id))


def _glossary_changed(sender, **kwargs):
    from search.tasks import synonyms_changed_task

    transaction.on_commit(synonyms_changed_task.enqueue)


def connect():
    from knowledge.models import GlossaryTerm

    page_published.connect(_page_event, dispatch_uid="search_page_published")
    page_unpublished.connect(_page_event, dispatch_uid="search_page_unpublished")
    post_delete.connect(_page_event, sender=Page, dispatch_uid="search_page_deleted")
    post_page_move.connect(_page_moved, dispatch_uid="search_page_moved")
    post_save.connect(_glossary_changed, sender=GlossaryTerm, dispatch_uid="search_glossary_saved")
    post_delete.connect(_glossary_changed, sender=GlossaryTerm, dispatch_uid="search_glossary_deleted")
