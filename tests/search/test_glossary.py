"""Glossary edits reach pages indexed before them, through the task queue, on every engine."""

import pytest

from knowledge.models import GlossaryTerm
from search.selectors import search_run
from search.services import search_reindex, synonyms_reload
from tests.factories import paragraph

pytestmark = pytest.mark.django_db


def urls(result):
    return sorted(h.url for h in result.results)


@pytest.fixture
def pages(make, site):
    synonyms_reload()  # the analyser is process-wide: forget terms of earlier, rolled-back tests
    return {
        "assistance": make.news(
            title="Nowy zespół w centrum",
            summary="Gmina rozszerza wsparcie.",
            body=paragraph(
                "Od marca działa asystencja osobista osób z niepełnosprawnościami w trzech gminach."
            ),
        ),
        "respite": make.news(
            title="Opieka wytchnieniowa latem",
            summary="Nabór dla opiekunów.",
            body=paragraph("Opieka wytchnieniowa pozwala opiekunom odpocząć."),
        ),
    }


def test_a_new_acronym_finds_pages_indexed_before_it(engine, pages, django_capture_on_commit_callbacks):
    search_reindex()
    assert search_run("AOON").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        GlossaryTerm.objects.create(
            term="AOON", expansion="asystencja osobista osób z niepełnosprawnościami", definition="d"
        )
    assert urls(search_run("AOON")) == [pages["assistance"].url]


def test_editing_the_full_form_moves_the_acronym_to_the_pages_that_now_contain_it(
    engine, pages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        term = GlossaryTerm.objects.create(
            term="AOON", expansion="asystencja osobista osób z niepełnosprawnościami", definition="d"
        )
    search_reindex()
    assert urls(search_run("AOON")) == [pages["assistance"].url]
    with django_capture_on_commit_callbacks(execute=True):
        term.expansion = "opieka wytchnieniowa"
        term.save()
    assert urls(search_run("AOON")) == [pages["respite"].url]


def test_deleting_a_term_drops_its_acronym_from_indexed_pages(
    engine, pages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        term = GlossaryTerm.objects.create(
            term="AOON", expansion="asystencja osobista osób z niepełnosprawnościami", definition="d"
        )
    search_reindex()
    assert search_run("AOON").total == 1
    with django_capture_on_commit_callbacks(execute=True):
        term.delete()
    assert search_run("AOON").total == 0
    assert urls(search_run("asystencja osobista")) == [pages["assistance"].url]
