"""Index updates run in the task queue after the publishing transaction commits, never in the request."""

from django_tasks import task

from search import services


@task()
def page_changed_task(page_id: int) -> None:
    services.page_changed(page_id)


@task()
def entries_deleted_task(entry_ids: list[int]) -> None:
    services.entries_deleted(entry_ids)


@task()
def synonyms_changed_task() -> None:
    services.synonyms_reload()


@task()
def glossary_changed_task(texts: list[str]) -> None:
    """A glossary term was saved or deleted: texts are its term, full form and synonyms (before and after)."""
    services.synonyms_reload()
    services.glossary_reindex(texts)
