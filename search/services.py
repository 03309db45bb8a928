"""Writes of the search layer: keeping the index in step with published pages."""

import logging

from django.db import transaction
from wagtail.models import Page

from search.backends import database_backend, get_backend
from search.extract import PAGE_TYPES, page_fields
from search.models import LexiconForm, SearchEntry

logger = logging.getLogger(__name__)
SEARCHABLE_MODELS = tuple(PAGE_TYPES)


def analyzer():
    """The shared Polish analyser, with the stored lexicon and the glossary's synonyms loaded once."""
    from search.polish import get_analyzer

    analyser = get_analyzer()
    if not getattr(analyser, "_portal_loaded", False):
        stored = {row.form: tuple(row.lemmas.split()) for row in LexiconForm.objects.all()}
        analyser.load_lexicon(stored)
        _STORED_FORMS.update(stored)
        synonyms_reload(analyser)
        analyser._portal_loaded = True
        _STORED_FORMS.add_version(analyser.lexicon_version)
    return analyser


class _StoredForms(set):
    """Lexicon forms already in the database, and the analyser version last saved."""

    version = None

    def add_version(self, version):
        self.version = version


_STORED_FORMS = _StoredForms()


# term token (e.g. "cus") -> lemma sequences that stand for it (e.g. [{"centrum"}, {"usluga"}, {"spoleczny"}])
_TERM_SEQUENCES: dict[str, list[list[set[str]]]] = {}


def synonyms_reload(analyser=None) -> None:
    """Acronyms and synonyms come from the glossary, so editors change them without a deploy."""
    from knowledge.models import GlossaryTerm
    from search.polish import fold, tokenize

    analyser = analyser or analyzer()
    entries = []
    sequences: dict[str, list[list[set[str]]]] = {}
    for term in GlossaryTerm.objects.all():
        equivalents = [term.expansion] if term.expansion else []
        equivalents += [s for s in term.synonym_list if s not in equivalents]
        if not equivalents:
            continue
        entries.append((term.term, equivalents))
        if len(tokenize(term.term)) == 1:
            found = [analyser.query_terms(text) for text in equivalents]
            sequences[fold(term.term)] = [seq for seq in found if len(seq) > 1]
    analyser.set_synonyms(entries)
    _TERM_SEQUENCES.clear()
    _TERM_SEQUENCES.update(sequences)


def term_tokens() -> set[str]:
    return set(_TERM_SEQUENCES)


def write_backends(backend=None) -> list:
    """Where index changes go: always the database (the fallback), and Elasticsearch when configured."""
    if backend is not None:
        return [backend]
    backends = [database_backend()]
    configured = get_backend()
    if configured.name != backends[0].name:
        backends.append(configured)
    return backends


def _apply(backends, method: str, argument) -> None:
    for target in backends:
        try:
            getattr(target, method)(argument)
        except Exception:
            if target.name in ("sqlite", "postgres"):
                raise
            # Elasticsearch unavailable: the database index is current and answers meanwhile;
            # manage.py search_reindex brings Elasticsearch back in step.
            logger.warning("Could not update the %s index", target.name, exc_info=True)


def _norm(analyser, text: str) -> str:
    """Index tokens of a text, plus the glossary term wherever its full form occurs.

    "centrum usług społecznych" in a document also yields "cus", so a query for CUS finds it while the words
    of an unrelated "centrum usług wspólnych" (CUW) do not.
    """
    words = analyser.analyse_words(text or "")
    tokens = [lemma for _token, lemmas in words for lemma in lemmas]
    if _TERM_SEQUENCES and words:
        terms = [set(lemmas) for _token, lemmas in words]
        for term, patterns in _TERM_SEQUENCES.items():
            for pattern in patterns:
                width = len(pattern)
                for start in range(len(terms) - width + 1):
                    if all(terms[start + k] & pattern[k] for k in range(width)):
                        tokens.append(term)
    return " ".join(tokens)


def _searchable(page) -> bool:
    return isinstance(page, SEARCHABLE_MODELS) and page.live and not page.get_view_restrictions().exists()


def entry_update(page, *, analyser=None, backend=None, save_lexicon=True) -> SearchEntry | None:
    """Index one page, or drop it from the index if it is no longer published and public."""
    from search.polish import fold

    page = page.specific
    if not _searchable(page):
        entry_remove(page.pk, backend=backend)
        return None
    analyser = analyser or analyzer()
    fields = page_fields(page)
    entry, _ = SearchEntry.objects.update_or_create(
        page_id=page.pk,
        defaults={
            **{
                k: fields[k]
                for k in (
                    "type",
                    "title",
                    "summary",
                    "body",
                    "url",
                    "date",
                    "status",
                    "voivodeship",
                    "municipality_kind",
                    "municipality",
                    "topics",
                    "legal_basis",
                )
            },
            "title_folded": fold(fields["title"])[:255],
            "topics_text": " " + " ".join(slug for slug, _name in fields["topics"]) + " ",
            "title_norm": _norm(analyser, fields["title"]),
            "basis_norm": " ".join(
                [_norm(analyser, " ".join(fields["legal_basis"]))]
                + [citation_token(c) for c in fields["legal_basis"] if citation_token(c)]
                + [
                    _norm(analyser, fields["municipality"]),
                    _norm(analyser, " ".join(n for _s, n in fields["topics"])),
                ]
            ).strip(),
            "summary_norm": _norm(analyser, fields["summary"]),
            "body_norm": _norm(analyser, fields["body"]),
        },
    )
    _apply(write_backends(backend), "index", [entry])
    if save_lexicon:
        lexicon_save(analyser)
    return entry


def citation_token(citation: str) -> str:
    """'art. 30 ust. 1 …' → 'art30': one token, so that a query 'art 30' finds exactly this article."""
    import re

    match = re.match(r"\s*art\.?\s*(\d+[a-z]*)", citation, re.IGNORECASE)
    return f"art{match.group(1).lower()}" if match else ""


def lexicon_save(analyser) -> None:
    """Store the forms the analyser learned since the last save (skipped when its lexicon did not change)."""
    if analyser.lexicon_version == _STORED_FORMS.version:
        return
    new = [
        LexiconForm(form=form, lemmas=" ".join(lemmas)[:400])
        for form, lemmas in analyser.lexicon_items().items()
        if form not in _STORED_FORMS and len(form) <= 80
    ]
    if new:
        LexiconForm.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
        _STORED_FORMS.update(item.form for item in new)
    _STORED_FORMS.add_version(analyser.lexicon_version)


def entry_remove(page_id: int, *, backend=None) -> None:
    ids = list(SearchEntry.objects.filter(page_id=page_id).values_list("pk", flat=True))
    if ids:
        _apply(write_backends(backend), "remove", ids)
        SearchEntry.objects.filter(pk__in=ids).delete()


def search_reindex(progress=None) -> int:
    """Rebuild every entry from the published pages; returns how many were indexed."""
    analyser = analyzer()
    backends = write_backends()
    pages = []
    for model in SEARCHABLE_MODELS:
        pages += list(model.objects.live().public())
    live_ids = {p.pk for p in pages}
    stale = SearchEntry.objects.exclude(page_id__in=live_ids)
    for target in backends:
        target.remove(list(stale.values_list("pk", flat=True)))
    stale.delete()
    database = backends[0]
    for n, page in enumerate(pages, start=1):
        with transaction.atomic():
            entry_update(page, analyser=analyser, backend=database, save_lexicon=False)
        if progress:
            progress(n, len(pages))
    lexicon_save(analyser)
    for target in backends:
        target.rebuild()
    return len(pages)


def page_changed(page_id: int) -> None:
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        entry_remove(page_id)
    else:
        entry_update(page)
