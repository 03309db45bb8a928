"""Polish linguistic core of the portal search: folding, tokenising, lemmatising, acronyms and typos.

Every search backend indexes and queries the tokens produced here (whitespace analysis only),
so SQLite, PostgreSQL and Elasticsearch match exactly the same way.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import morfeusz2

__all__ = [
    "STOP_LEMMAS",
    "STOP_WORDS",
    "Analyzer",
    "Token",
    "fold",
    "get_analyzer",
    "tokenize",
]


class Token(NamedTuple):
    """A word of the original text; ``start``/``end`` are character offsets for highlighting."""

    text: str
    start: int
    end: int


# Folded surface forms dropped from the index and from queries. Written folded because lookups
# happen after folding, so "że"/"ze" and "są"/"sa" are both covered by one entry.
_STOP_WORDS_TEXT = """
    a aby abys albo ale ani az bardzo badz bez bo by byc byl byla byli bylo byly bedzie beda chociaz
    ci cie co czy czyli dla do gdy gdyz gdzie go i ich ile im iz ja jak jakie jaki jakich jako je
    jednak jego jej jest jestem jesli jezeli juz ktora ktore ktorego ktorej ktory ktorych ktorym
    ktorymi ku lecz lub ma mi mna mnie moze my na nad nam nami nas nawet nia nic nich nie niech niego
    niej niemu nim nimi niz o od oraz on ona one oni ono po pod poza przed przez przy sa sie siebie
    soba sobie sposrod ta tak taka takie takze tam te tego tej temu ten tez to toba tobie tu tutaj
    twoj ty tych tylko tym tymi u w we wiec wlasnie wobec wsrod wy z za zas ze zeby
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

# Folded lemmas that carry no meaning for search; a word is dropped when all its lemmas are here.
_STOP_LEMMAS_TEXT = "byc ten to on ona ja ty my wy siebie ktory jaki taki ow tenze swoj czy co kto ile sie"
STOP_LEMMAS: frozenset[str] = frozenset(_STOP_LEMMAS_TEXT.split())

# Morfeusz (NKJP) classes of function words: a word whose every reading is one of these is dropped.
_FUNCTION_CLASSES = frozenset(
    {"prep", "conj", "comp", "part", "qub", "interj", "pred", "aglt", "ppron12", "ppron3", "siebie", "interp"}
)

# SGJP qualifiers of personal names (given name, surname).
_PERSONAL_NAMES = frozenset({"imię", "nazwisko"})

_FOLD_TABLE = str.maketrans("ąćęłńóśźż", "acelnoszz")
# Letters and digits, plus combining marks so NFD-encoded text ("a" + U+0328) stays one word.
_MARKS = r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_WORD = rf"[^\W_](?:[^\W_]|{_MARKS})*"
_WORD_RE = re.compile(_WORD)
# A word with the dot that may follow it ("art." is looked up as an abbreviation).
_WORD_KEY_RE = re.compile(_WORD + r"\.?")
# A word, a hyphen and the next word ("CUS-ów"): where an acronym's inflected ending may stand.
# Without combining marks and underscores a word is a run of \w: the same words, found twice as fast.
_PLAIN_WORD_KEY_RE = re.compile(r"\w+\.?")
_MARKS_RE = re.compile(_MARKS)
_LEMMA_JUNK_RE = re.compile(r"[\W_]+")

# Caches are reset when they grow past this many words; a corpus vocabulary rarely exceeds it.
_CACHE_LIMIT = 300_000


def fold(text: str) -> str:
    """Lowercase and strip diacritics, including ł→l which Unicode does not decompose."""
    folded = text.lower().translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD_TABLE)


def tokenize(text: str) -> list[Token]:
    """Split text into words (letter/digit runs); hyphens and punctuation separate words."""
    return [Token(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text)]


def _has_no_diacritics(word: str) -> bool:
    return fold(word) == word.lower()


def _is_acronym_shape(word: str) -> bool:
    """Upper-case abbreviations like CUS, MRPiPS or UD294 (mostly capitals and digits, capital first)."""
    capitals = sum(1 for c in word if c.isupper())
    strong = capitals + sum(1 for c in word if c.isdigit())
    return capitals >= 2 and word[0].isupper() and len(word) <= 8 and strong * 2 > len(word)


_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _reductions(word: str) -> set[str]:
    """Words one deletion or one swap of neighbours away."""
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    out.update(word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
    return out


def _edits(word: str) -> set[str]:
    """Words one edit (deletion, swap, substitution or insertion of a folded letter) away."""
    out = _reductions(word)
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        out.update(head + letter + tail for letter in _ALPHABET)
        if tail:
            out.update(head + letter + tail[1:] for letter in _ALPHABET)
    out.discard(word)
    return out


class _Morph:
    """One morfeusz2 instance per process: loading is cheap but the object is not thread-safe."""

    _instance: morfeusz2.Morfeusz | None = None
    _lock = threading.Lock()

    @classmethod
    def analyse(cls, text: str) -> list:
        with cls._lock:
            return cls._get().analyse(text)

    @classmethod
    def forms(cls, lemma: str) -> list[str]:
        """Every inflected form of a morfeusz lemma (empty when morfeusz does not know it)."""
        with cls._lock:
            morfeusz = cls._get()
            native = getattr(morfeusz, "_morfeusz_obj", None)
            if native is not None:
                # The wrapper's generate() also decodes tag, name and labels of every form: 2-3x slower.
                ign = native.getIdResolver().getTagId("ign")
                return [i.orth for i in native.generate(lemma, None) if i.tagId != ign]
            return [form for form, _lemma, tag, *_rest in morfeusz.generate(lemma) if tag != "ign"]

    @classmethod
    def _get(cls) -> morfeusz2.Morfeusz:
        if cls._instance is None:
            cls._instance = morfeusz2.Morfeusz(expand_tags=False)
        return cls._instance


class _Reading(NamedTuple):
    """Morphological view of one word: folded lemmas, raw morfeusz lemmas (for generation), known?"""

    lemmas: tuple[str, ...]
    raw: tuple[str, ...]
    known: bool


_STOP = _Reading((), (), True)


def _clean_lemma(raw: str) -> str:
    """Folded lemma without morfeusz's ":Sf~ni"-style homonym tag or inner punctuation."""
    return _LEMMA_JUNK_RE.sub("", fold(raw.split(":", 1)[0]))


def _read(word: str, abbreviation: bool = False) -> _Reading:
    """Analyse one NFC word; with ``abbreviation`` only a "word." abbreviation reading is returned."""
    folded = fold(word)
    if folded in STOP_WORDS or (len(folded) == 1 and not folded.isdigit()):
        return _STOP
    if abbreviation:
        interpretations = [
            i for i in _Morph.analyse(word + ".") if i[0] == 0 and i[1] == 1 and i[2][2].startswith("brev")
        ]
        if not interpretations:
            return _Reading((), (), False)
    else:
        interpretations = _Morph.analyse(word)
    tags = {i[2][2].split(":", 1)[0] for i in interpretations}
    if tags <= {"ign", "dig"} or not tags:
        return _Reading((folded,), (), False)
    content = [
        (lemma, names)
        for _start, _end, (_form, lemma, tag, names, _quals) in interpretations
        # Multi-word abbreviation lemmas ("np." -> "na przykład") are fillers, not searchable terms.
        if tag.split(":", 1)[0] not in _FUNCTION_CLASSES and not tag.startswith("ign") and " " not in lemma
    ]
    if any(not _PERSONAL_NAMES.issuperset(names) or not names for _lemma, names in content):
        # SGJP lists surnames for many common words ("Rady" -> Rado); they only add false matches
        # when the word has a common reading, while names without one ("Miemiec") are kept.
        content = [
            (lemma, names) for lemma, names in content if not names or not _PERSONAL_NAMES.issuperset(names)
        ]
    lemmas: dict[str, None] = {}
    raw: dict[str, None] = {}
    for lemma, _names in content:
        clean = _clean_lemma(lemma)
        if clean:
            lemmas[clean] = None
            raw[lemma] = None
    if not lemmas or all(lemma in STOP_LEMMAS for lemma in lemmas):
        return _STOP
    return _Reading(tuple(lemmas), tuple(raw), True)


class Analyzer:
    """Turns Polish text into folded lemma tokens and keeps the folded lexicon used for queries."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._lexicon: dict[str, tuple[str, ...]] = {}
        self._tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._generated: set[str] = set()
        self._preloaded: set[str] = set()
        self._freq: Counter[str] = Counter()
        self._version = 0
        self._index_cache: dict[str, tuple[str, ...]] = {}
        self._query_cache: dict[str, _Reading] = {}
        self._guess_cache: dict[str, tuple[int, str | None]] = {}
        self._acronyms: frozenset[str] = frozenset()
        self._synonyms: list[list[list[set[str]]]] = []

    # ----------------------------------------------------------------- indexing

    def analyse(self, text: str) -> list[str]:
        """Index tokens of ``text``: folded lemmas of every content word, in text order."""
        return [lemma for _token, lemmas in self.analyse_words(text) for lemma in lemmas]

    def analyse_words(self, text: str) -> list[tuple[Token, tuple[str, ...]]]:
        """Each content word with its folded lemmas; positions for phrase matching and highlighting."""
        out: list[tuple[Token, tuple[str, ...]]] = []
        cache = self._index_cache
        previous: Token | None = None
        with self._lock:
            for token in tokenize(text):
                if previous is not None and self._is_acronym_ending(text, previous, token):
                    previous = token
                    continue
                previous = token
                key = token.text
                if token.end < len(text) and text[token.end] == ".":
                    key += "."
                lemmas = cache.get(key)
                if lemmas is None:
                    lemmas = self._index_word(key)
                if lemmas:
                    out.append((token, lemmas))
            self._freq.update(lemma for _token, lemmas in out for lemma in lemmas)
        return out

    def matching_spans(self, text: str, lemmas: set[str]) -> list[tuple[int, int]]:
        """Offsets of the words of ``text`` that analyse_words() gives one of ``lemmas``, in text order.

        The same analysis as analyse_words() (and the same learning), but each distinct word is
        looked up once and the text is scanned by regular expressions: snippets are cut from whole bodies
        on every search.
        """
        if _MARKS_RE.search(text):
            # Combining marks make word boundaries subtler than the patterns below assume.
            return self._matching_spans_by_word(text, lemmas)
        plain = "_" not in text
        counts = Counter((_PLAIN_WORD_KEY_RE if plain else _WORD_KEY_RE).findall(text))
        skipped = set()
        hyphen = text.find("-", 1)
        while hyphen > 0:
            # Acronym-shaped words have at most 8 characters: look no further back.
            start = hyphen
            while start > 0 and hyphen - start <= 8 and text[start - 1].isalnum():
                start -= 1
            ending = _WORD_RE.match(text, hyphen + 1)
            if (
                ending
                and start < hyphen
                and self._is_acronym_ending(
                    text, Token(text[start:hyphen], start, hyphen), Token(ending.group(), *ending.span())
                )
            ):
                word = ending.group()
                dotted = ending.end() < len(text) and text[ending.end()] == "."
                counts[word + "." if dotted else word] -= 1
                skipped.add(ending.start())
            hyphen = text.find("-", hyphen + 1)
        wanted = self._count_and_select(counts, lemmas)
        if not wanted:
            return []
        alternatives = [
            re.escape(key[:-1]) + r"(?=\.)" if key.endswith(".") else re.escape(key) + r"(?!\.)"
            for key in sorted(wanted, key=len, reverse=True)
        ]
        edges = (r"\b", r"\b") if plain else (r"(?<![^\W_])", r"(?![^\W_])")
        pattern = re.compile(edges[0] + "(?:" + "|".join(alternatives) + ")" + edges[1])
        return [match.span() for match in pattern.finditer(text) if match.start() not in skipped]

    def _matching_spans_by_word(self, text: str, lemmas: set[str]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int, str]] = []
        counts: Counter[str] = Counter()
        previous: Token | None = None
        for token in tokenize(text):
            if previous is not None and self._is_acronym_ending(text, previous, token):
                previous = token
                continue
            previous = token
            key = token.text + "." if token.end < len(text) and text[token.end] == "." else token.text
            counts[key] += 1
            spans.append((token.start, token.end, key))
        wanted = self._count_and_select(counts, lemmas)
        return [(start, end) for start, end, key in spans if key in wanted]

    def _count_and_select(self, counts: Counter[str], lemmas: set[str]) -> set[str]:
        """The words having one of ``lemmas``.

        Words are learnt as analyse_words() learns them, but not counted: a snippet shows a text again, and
        counting each showing made every process weigh "did you mean" by what it happened to show.
        """
        wanted = set()
        with self._lock:
            cache = self._index_cache
            for key, count in counts.items():
                if count <= 0:
                    continue
                found = cache.get(key)
                if found is None:
                    found = self._index_word(key)
                if not lemmas.isdisjoint(found):
                    wanted.add(key)
        return wanted

    @staticmethod
    def _is_acronym_ending(text: str, previous: Token, token: Token) -> bool:
        # "CUS-ów", "NGO-sy": Polish inflects acronyms with a hyphenated lower-case ending.
        return (
            token.start == previous.end + 1
            and text[previous.end] == "-"
            and token.text.islower()
            and len(token.text) <= 4
            and _is_acronym_shape(previous.text)
        )

    def _index_word(self, key: str) -> tuple[str, ...]:
        reading = self._reading(key)
        lemmas = reading.lemmas
        if lemmas:
            folded = fold(key.rstrip("."))
            if reading.known or folded.isalpha():
                self._add_form(folded, lemmas)
            for raw in reading.raw:
                if raw not in self._generated and _clean_lemma(raw) not in self._preloaded:
                    self._generate(raw)
        if len(self._index_cache) >= _CACHE_LIMIT:
            self._index_cache.clear()
        self._index_cache[key] = lemmas
        return lemmas

    def _reading(self, key: str) -> _Reading:
        """Reading of a word as it appears in text; a trailing "." selects an abbreviation if there is one."""
        word = unicodedata.normalize("NFC", key.rstrip("."))
        folded = fold(word)
        if folded in self._acronyms:
            return _Reading((folded,), (), True)
        if key.endswith("."):
            abbreviation = _read(word, abbreviation=True)
            if abbreviation.lemmas or abbreviation is _STOP:
                return abbreviation
        reading = _read(word)
        if reading.lemmas and _is_acronym_shape(word) and folded not in reading.lemmas:
            # "KAS" must stay findable as itself, not only as a form of "kasa".
            return _Reading((folded, *reading.lemmas), reading.raw, reading.known)
        return reading

    def _generate(self, raw: str) -> None:
        self._generated.add(raw)
        lemma = _clean_lemma(raw)
        self._add_form(lemma, (lemma,))
        negated = lemma.startswith("nie")
        for form in _Morph.forms(raw):
            folded = fold(form)
            # Forms without diacritics are recognised by morfeusz itself, and negated participles and gerunds
            # ("niezłożenia" of złożyć) mean the opposite of the lemma: storing either only costs memory.
            if folded != form.lower() and (negated or not folded.startswith("nie")):
                self._add_form(folded, (lemma,))

    def _add_form(self, form: str, lemmas: tuple[str, ...]) -> None:
        current = self._lexicon.get(form)
        if current is None:
            merged = lemmas
        else:
            if all(lemma in current for lemma in lemmas):
                return
            merged = current + tuple(lemma for lemma in lemmas if lemma not in current)
        # Many forms share the same lemma tuple; one shared object per distinct tuple saves memory.
        self._lexicon[form] = self._tuples.setdefault(merged, merged)
        self._version += 1

    # ----------------------------------------------------------------- lexicon persistence

    @property
    def lexicon_version(self) -> int:
        """Grows whenever the lexicon changes: compare two values to skip saving an unchanged lexicon."""
        return self._version

    def lexicon_items(self) -> dict[str, tuple[str, ...]]:
        """A copy of the folded lexicon (folded form -> folded lemmas) for storage."""
        with self._lock:
            return dict(self._lexicon)

    def load_lexicon(self, items: Mapping[str, Iterable[str]] | Iterable[tuple[str, Iterable[str]]]) -> None:
        """Merge a stored lexicon into this analyser (forms already known are extended, not replaced)."""
        pairs = items.items() if isinstance(items, Mapping) else items
        with self._lock:
            for form, lemmas in pairs:
                lemmas = tuple(lemmas)
                self._add_form(form, lemmas)
                if form in lemmas:
                    # A lemma that is its own entry had its forms generated already; skip regenerating it.
                    self._preloaded.add(form)

    # ----------------------------------------------------------------- querying

    def query_terms(self, query: str) -> list[set[str]]:
        """One set of alternative folded lemmas per query word, stop-words dropped."""
        terms: list[set[str]] = []
        previous: Token | None = None
        for token in tokenize(query):
            if previous is not None and self._is_acronym_ending(query, previous, token):
                previous = token
                continue
            previous = token
            dotted = token.end < len(query) and query[token.end] == "."
            alternatives = self._word_alternatives(token.text, dotted)
            if alternatives:
                terms.append(alternatives)
        return terms

    def _word_alternatives(self, word: str, dotted: bool) -> set[str]:
        key = word + "." if dotted else word
        reading = self._query_cache.get(key)
        if reading is None:
            reading = self._reading(key)
            if not dotted and reading is not _STOP:
                # The user may have left out the dot of an abbreviation ("art 30").
                abbreviation = _read(unicodedata.normalize("NFC", word), abbreviation=True)
                if abbreviation.lemmas:
                    reading = _Reading(reading.lemmas + abbreviation.lemmas, reading.raw, True)
            if len(self._query_cache) >= _CACHE_LIMIT:
                self._query_cache.clear()
            self._query_cache[key] = reading
        if reading is _STOP:
            return set()
        folded = fold(word)
        if folded in self._acronyms:
            return set(reading.lemmas)
        known = self._lexicon.get(folded, ())
        if not reading.known:
            # Unknown to morfeusz: most often a word typed without (some of) its diacritics ("uslugami"),
            # else a typo or a name; the folded word itself is kept only when nothing better is known.
            if known:
                alternatives = set(known)
            elif self._guessable(word) and (guess := self._guess(folded)) is not None:
                alternatives = {folded, *self._lexicon[guess]}
            else:
                alternatives = {folded}
        else:
            alternatives = set(reading.lemmas)
            # A real word without diacritics may still be another word typed without them ("uchwala").
            if _has_no_diacritics(word):
                alternatives.update(known)
        if alternatives and all(lemma in STOP_LEMMAS for lemma in alternatives):
            return set()
        return alternatives

    @staticmethod
    def _guessable(word: str) -> bool:
        return len(word) >= 5 and word.isalpha() and not _is_acronym_shape(word)

    def suggest(self, word: str) -> str | None:
        """Closest known lexicon form for an unknown word ("did you mean"), or None if the word is known."""
        word = unicodedata.normalize("NFC", word)
        folded = fold(word)
        if not folded or folded in self._lexicon:
            return None
        reading = _read(word)
        if reading.known and (not reading.lemmas or any(lemma in self._lexicon for lemma in reading.lemmas)):
            return None
        return self._closest(folded, 1 if len(folded) <= 5 else 2)

    def _guess(self, folded: str) -> str | None:
        """Query-time typo repair: only one edit away, since two edits merge unrelated words too often."""
        cached = self._guess_cache.get(folded)
        if cached is not None and cached[0] == self._version:
            return cached[1]
        guess = self._closest(folded, 1)
        if len(self._guess_cache) >= _CACHE_LIMIT:
            self._guess_cache.clear()
        self._guess_cache[folded] = (self._version, guess)
        return guess

    def _closest(self, folded: str, max_distance: int) -> str | None:
        """Most frequent lexicon form one edit (or, failing that, two edits) away from ``folded``."""
        lexicon = self._lexicon
        first = _edits(folded)
        found = {candidate for candidate in first if candidate in lexicon}
        if not found and max_distance >= 2:
            # Second edit limited to deletions and swaps: full two-edit neighbourhoods are ~50x larger.
            found = {candidate for edit in first for candidate in _reductions(edit) if candidate in lexicon}
            found.discard(folded)
        if not found:
            return None
        return min(found, key=lambda form: (-self._weight(form), abs(len(form) - len(folded)), form))

    def set_frequencies(self, counts: Mapping[str, int]) -> None:
        """How many documents hold each lemma, from the index: "did you mean" prefers the commonest word."""
        with self._lock:
            self._freq = Counter(counts)
            self._guess_cache.clear()

    def _weight(self, form: str) -> int:
        return max((self._freq[lemma] for lemma in self._lexicon[form]), default=0)

    # ----------------------------------------------------------------- synonyms and acronyms

    def set_synonyms(self, entries: Iterable[tuple[str, list[str]]]) -> None:
        """Replace the synonym table; each entry is a term (often an acronym) and its equivalent phrases."""
        entries = list(entries)
        acronyms = frozenset(
            fold(text)
            for term, equivalents in entries
            for text in (term, *equivalents)
            if len(tokenize(text)) == 1 and _is_acronym_shape(text.strip())
        )
        with self._lock:
            self._acronyms = acronyms
            self._index_cache.clear()
            self._query_cache.clear()
            for term, equivalents in entries:
                for text in (term, *equivalents):
                    # Glossary words join the lexicon, so "uslug spolecznych" is recognised in any corpus.
                    self.analyse_words(text)
            groups = []
            for term, equivalents in entries:
                sequences = [self.query_terms(text) for text in (term, *equivalents)]
                groups.append([sequence for sequence in sequences if sequence])
            self._synonyms = [group for group in groups if len(group) > 1]

    def expand(self, query: str) -> list[list[set[str]]]:
        """The query's lemma sequence first, then one variant per synonym replacement (both directions)."""
        base = self.query_terms(query)
        variants = [base]
        for group in self._synonyms:
            for index, member in enumerate(group):
                for start in _find_sequence(base, member):
                    for other_index, other in enumerate(group):
                        if other_index == index:
                            continue
                        variant = base[:start] + [set(s) for s in other] + base[start + len(member) :]
                        if variant not in variants:
                            variants.append(variant)
        return variants


def _find_sequence(terms: list[set[str]], pattern: list[set[str]]) -> list[int]:
    """Start positions where every pattern position shares a lemma with the query term there."""
    width = len(pattern)
    return [
        start
        for start in range(len(terms) - width + 1)
        if all(terms[start + offset] & pattern[offset] for offset in range(width))
    ]


_singleton: Analyzer | None = None
_singleton_lock = threading.Lock()


def get_analyzer() -> Analyzer:
    """The process-wide analyser (created on first use)."""
    global _singleton
    if _singleton is None:
        with _singleton_lock:
            if _singleton is None:
                _singleton = Analyzer()
    return _singleton
