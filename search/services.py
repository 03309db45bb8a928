"""Writes of the search layer: keeping the index in step with published pages."""

import logging
from uuid import uuid4

from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from search.backends import database_backend, get_backend
from search.extract import PAGE_TYPES, page_fields
from search.models import LexiconForm, PendingIndexWrite, SearchEntry
from search.selectors import GENERATION_KEY, RESULT_CACHE

logger = logging.getLogger(__name__)
SEARCHABLE_MODELS = tuple(PAGE_TYPES)


def search_cache_invalidate(**kwargs) -> None:
    """Start a new generation of cached search results: the index, or what results show, changed.

    At once, since Elasticsearch shows a change before the transaction commits, and again on commit, so
    results computed meanwhile from the old database rows are not kept either.
    """
    _generation_bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_generation_bump)


def _generation_bump() -> None:
    try:
        caches[RESULT_CACHE].set(GENERATION_KEY, uuid4().hex, None)
    except Exception:
        logger.warning("Could not reset the search results cache", exc_info=True)


def analyzer():
    """The shared Polish analyser, with the stored lexicon and the glossary's synonyms loaded once."""
    from search.polish import get_analyzer

    analyser = get_analyzer()
    if not getattr(analyser, "_portal_loaded", False):
        stored = {row.form: tuple(row.lemmas.split()) for row in LexiconForm.objects.all()}
        analyser.load_lexicon(stored)
        _STORED_FORMS.update(stored)
        # Every process weighs "did you mean" by the same counts: the database index's, read once here.
        analyser.set_frequencies(database_backend().token_frequencies())
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
# the same patterns by a lemma of their first word: lemma -> [(pattern key, term, pattern)]
_TERM_STARTS: dict[str, list[tuple[tuple[str, int], str, list[set[str]]]]] = {}


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
    _TERM_STARTS.clear()
    for term, patterns in sequences.items():
        for number, pattern in enumerate(patterns):
            for lemma in pattern[0]:
                _TERM_STARTS.setdefault(lemma, []).append(((term, number), term, pattern))
    search_cache_invalidate()


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


DATABASE_ENGINES = ("sqlite", "postgres")


def _apply(backends, method: str, argument, **options) -> None:
    for target in backends:
        try:
            getattr(target, method)(argument, **options)
        except Exception:
            if target.name in DATABASE_ENGINES:
                raise
            # Elasticsearch unavailable: the database index is current and answers meanwhile; the change is
            # kept and replayed once Elasticsearch answers again (next write, or manage.py search_catch_up).
            logger.warning(
                "Could not update the %s index; change kept for replay", target.name, exc_info=True
            )
            pending_record(method, argument)
        else:
            if target.name not in DATABASE_ENGINES and PendingIndexWrite.objects.exists():
                try:
                    pending_replay(target)
                except Exception:
                    logger.warning("Could not replay pending changes to %s", target.name, exc_info=True)
    search_cache_invalidate()


def pending_record(method: str, argument, *, now=None) -> None:
    """Remember entries whose index change did not reach Elasticsearch ("index" entries or "remove" ids)."""
    ids = [e.pk for e in argument] if method == "index" else list(argument)
    now = now or timezone.now()
    PendingIndexWrite.objects.bulk_create(
        [PendingIndexWrite(entry_id=pk, action=method, recorded_at=now) for pk in ids],
        update_conflicts=True,
        unique_fields=["entry_id"],
        update_fields=["action", "recorded_at"],
    )


def pending_replay(backend=None, *, batch_size: int = 500) -> int:
    """Send Elasticsearch the changes it missed while unreachable; returns how many entries were replayed.

    Raises when Elasticsearch still does not answer; the pending rows then stay for the next attempt.
    """
    backend = backend or get_backend()
    if backend.name in DATABASE_ENGINES:
        return 0
    replayed = 0
    while rows := list(PendingIndexWrite.objects.order_by("recorded_at", "entry_id")[:batch_size]):
        # What is sent follows the entry as it is now: one deleted since is removed, whatever was recorded.
        entries = SearchEntry.objects.in_bulk([r.entry_id for r in rows if r.action == "index"])
        gone = [r.entry_id for r in rows if r.entry_id not in entries]
        if entries:
            backend.index(list(entries.values()))
        if gone:
            backend.remove(gone)
        # A row recorded again meanwhile holds a newer change: keep it for the next round.
        done = Q(pk__in=[])
        for row in rows:
            done |= Q(entry_id=row.entry_id, recorded_at=row.recorded_at)
        PendingIndexWrite.objects.filter(done).delete()
        replayed += len(rows)
        search_cache_invalidate()
    return replayed


def _norm(analyser, text: str) -> str:
    """Index tokens of a text, plus the glossary term wherever its full form occurs.

    "centrum usług społecznych" in a document also yields "cus", so a query for CUS finds it while the words
    of an unrelated "centrum usług wspólnych" (CUW) do not.
    """
    words = analyser.analyse_words(text or "")
    tokens = [lemma for _token, lemmas in words for lemma in lemmas]
    if _TERM_STARTS and words:
        # Only the patterns whose first word can stand at a position are tried there: bulk indexing of long
        # texts would otherwise spend most of its time comparing every pattern at every word.
        terms = [lemmas for _token, lemmas in words]
        for start, lemmas in enumerate(terms):
            seen = set()
            for lemma in lemmas:
                for key, term, pattern in _TERM_STARTS.get(lemma, ()):
                    width = len(pattern)
                    if key in seen or start + width > len(terms):
                        continue
                    if all(pattern[k].intersection(terms[start + k]) for k in range(1, width)):
                        seen.add(key)
                        tokens.append(term)
    return " ".join(tokens)


def _searchable(page) -> bool:
    return isinstance(page, SEARCHABLE_MODELS) and page.live and not page.get_view_restrictions().exists()


_COPIED_FIELDS = (
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


def _entry_values(analyser, fields: dict) -> dict:
    """SearchEntry column values for the raw fields of a page (as extract.page_fields returns them)."""
    from search.polish import fold

    return {
        **{k: fields[k] for k in _COPIED_FIELDS},
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
    }


def entry_update(page, *, analyser=None, backend=None, save_lexicon=True) -> SearchEntry | None:
    """Index one page, or drop it from the index if it is no longer published and public."""
    page = page.specific
    if not _searchable(page):
        entry_remove(page.pk, backend=backend)
        return None
    analyser = analyser or analyzer()
    entry, _ = SearchEntry.objects.update_or_create(
        page_id=page.pk, defaults=_entry_values(analyser, page_fields(page))
    )
    _apply(write_backends(backend), "index", [entry])
    if save_lexicon:
        lexicon_save(analyser)
    return entry


def entries_bulk_index(documents, *, batch_size: int = 1000, progress=None) -> int:
    """Index documents that are not pages, in batches; returns how many were indexed.

    Each document is a dict of the raw fields extract.page_fields returns. Meant for large collections
    (imports of external material, bench/search_latency): one INSERT per batch, no Wagtail pages.
    """
    from itertools import islice

    analyser = analyzer()
    database, *others = write_backends()
    documents = iter(documents)
    done = 0
    while batch := list(islice(documents, batch_size)):
        with transaction.atomic():
            entries = SearchEntry.objects.bulk_create(
                [SearchEntry(**_entry_values(analyser, doc)) for doc in batch]
            )
            _apply([database], "index", entries)
        _apply(others, "index", entries, refresh=False)
        done += len(entries)
        if progress:
            progress(done)
    for target in others:
        try:
            target.flush()
        except Exception:
            logger.warning("Could not refresh the %s index", target.name, exc_info=True)
    lexicon_save(analyser)
    return done


NORM_FIELDS = ("title_norm", "basis_norm", "summary_norm", "body_norm")


def glossary_reindex(texts: list[str], *, batch_size: int = 500) -> int:
    """Re-normalise the entries whose text contains one of these glossary texts; returns how many.

    The term token ("cus") is added where the full form occurs, so entries must follow glossary edits
    without waiting for a full reindex. Entries keep the extracted text of their page, so no page (and no
    attached document) is read again.
    """
    analyser = analyzer()
    candidates = Q(pk__in=[])
    for text in texts:
        positions = analyser.query_terms(text)
        if not positions:
            continue
        # Every word of the text (any of its lemmas) somewhere in the entry: a superset of the entries
        # where the text occurs as a phrase, which is what matters here.
        clause = Q()
        for lemmas in positions:
            any_lemma = Q(pk__in=[])
            for lemma in lemmas:
                for name in NORM_FIELDS:
                    any_lemma |= Q(**{f"{name}__contains": lemma})
            clause &= any_lemma
        candidates |= clause
    ids = list(SearchEntry.objects.filter(candidates).order_by("pk").values_list("pk", flat=True))
    database, *others = write_backends()
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            entries = list(SearchEntry.objects.filter(pk__in=ids[start : start + batch_size]))
            for entry in entries:
                values = _entry_values(analyser, {name: getattr(entry, name) for name in _COPIED_FIELDS})
                for name in NORM_FIELDS:
                    setattr(entry, name, values[name])
            SearchEntry.objects.bulk_update(entries, NORM_FIELDS)
            _apply([database], "index", entries)
        _apply(others, "index", entries)
    lexicon_save(analyser)
    return len(ids)


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
    else:
        # A deleted page takes its entry with it (cascade): results cached while it was there must go too.
        search_cache_invalidate()


def entries_deleted(entry_ids: list[int]) -> None:
    """Drop from every engine the entries the database lost with their pages; _apply resets the cache."""
    _apply(write_backends(), "remove", entry_ids)


def search_reindex(progress=None) -> int:
    """Rebuild every entry from the published pages; returns how many were indexed."""
    started = timezone.now()
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
    search_cache_invalidate()
    # The rebuilt index holds every entry as of now, so changes missed before the rebuild began are moot.
    PendingIndexWrite.objects.filter(recorded_at__lt=started).delete()
    return len(pages)


def page_changed(page_id: int) -> None:
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        entry_remove(page_id)
    else:
        entry_update(page)
