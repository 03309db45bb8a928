"""Personal data in Polish text, found for a reviewer before an answered case becomes a public draft.

Finds e-mail addresses, phone numbers, PESEL numbers (and other 11-digit numbers), personal names recognised
with the SGJP dictionary of morfeusz2, and the caller's known strings (the requester's name, the municipality)
in their inflected forms. Detection errs towards flagging: a reviewer confirms every span before publishing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import morfeusz2
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "EMAIL",
    "MUNICIPALITY",
    "NAME",
    "NUMBER11",
    "OTHER",
    "PESEL",
    "PHONE",
    "PLACEHOLDERS",
    "Span",
    "find_personal_data",
    "highlight_html",
    "is_pesel",
    "redact",
]

NAME = "name"
EMAIL = "email"
PHONE = "phone"
PESEL = "pesel"
NUMBER11 = "number11"
MUNICIPALITY = "municipality"
OTHER = "other"

# Placeholders become part of the Polish page content, whatever language the reviewer's interface uses,
# so they are content rather than translatable interface text.
PLACEHOLDERS: Mapping[str, str] = {
    NAME: "[imię i nazwisko]",
    EMAIL: "[e-mail]",
    PHONE: "[telefon]",
    PESEL: "[PESEL]",
    NUMBER11: "[numer]",
    MUNICIPALITY: "[gmina]",
    OTHER: "[dane osobowe]",
}


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Characters ``text[start:end]`` hold personal data of ``kind``."""

    start: int
    end: int
    kind: str
    text: str


_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_SEP = r"[ \u00a0-]"
# Not glued to other digits, so parts of account, NIP or KRS numbers and amounts never match.
_PHONE_RE = re.compile(
    rf"""
    (?<![\d+])(?<!\d{_SEP})
    (?:
        (?:\+|00)\s?48{_SEP}?\d{{9}}                           # +48601234567
      | (?:(?:\+|00)\s?48{_SEP}?)?
        (?:
            \d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}                 # 601 234 567, 601-234-567
          | \(?\d{{2}}\)?{_SEP}?\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}  # (77) 466 20 13, 77-466-20-13
          | \(\d{{2}}\)\s?\d{{7}}                           # (77) 4662013
        )
    )
    (?!{_SEP}?\d)(?!\s*(?:zł|PLN|złotych))
    """,
    re.VERBOSE,
)
# Nine digits in a row are a phone number only when the text says so (a REGON has nine digits too).
_LABELLED_PHONE_RE = re.compile(
    r"(?:\btel(?:efon)?\.?|\bkom(?:órka)?\.?|\bnr\s+tel\.?)\s*(?:kom\.?\s*)?:?\s*(?<!\d)(\d{9})(?!\d)",
    re.IGNORECASE,
)
_ELEVEN_DIGITS_RE = re.compile(r"(?<![\d+])\d{11}(?!\d)")
_PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)

_WORD_RE = re.compile(r"[^\W\d_]+")
_LAST_WORD_RE = re.compile(r"[^\W\d_]+$")
# Separators inside one personal name: spaces, a line break, or the hyphen of a double-barrelled surname.
_NAME_GAP_RE = re.compile(r"[ \t\u00a0]+|\n|-")
# A word after one of these starts a sentence; after an abbreviation such as "dr." or "ust." it does not.
_SENTENCE_END = frozenset(".!?\n")
_ABBREVIATIONS = frozenset(
    {"dr", "mgr", "prof", "inż", "mec", "adw", "p", "ul", "św", "art", "ust", "pkt", "nr"}
)
# Forms of address and titles: a capitalised name-like word right after them is a name on its own.
_TITLES = frozenset(
    {
        "pan", "pana", "panu", "panem", "panie",
        "pani", "panią",
        "państwo", "państwa", "państwu", "państwem",
        "dr", "mgr", "prof", "inż", "mec", "adw", "p",
    }
)  # fmt: skip
_PROPER = frozenset(
    {
        "imię",
        "nazwisko",
        "nazwa_geograficzna",
        "człon_nazwy_geograficznej",
        "nazwa_organizacji",
        "nazwa_własna",
    }
)
# Dictionary labels of readings nobody uses in current Polish; they do not make a name a common word.
_DATED = frozenset({"daw.", "przest.", "rzad.", "arch."})


class _Morph:
    """This module's own morfeusz2 instance: the object is not thread-safe, so calls are serialised."""

    _instance: morfeusz2.Morfeusz | None = None
    _lock = threading.Lock()

    @classmethod
    def analyse(cls, word: str) -> list:
        with cls._lock:
            if cls._instance is None:
                cls._instance = morfeusz2.Morfeusz(expand_tags=False)
            return cls._instance.analyse(word)

    @classmethod
    def generate(cls, lemma: str) -> list:
        with cls._lock:
            if cls._instance is None:
                cls._instance = morfeusz2.Morfeusz(expand_tags=False)
            return cls._instance.generate(lemma)


class _WordInfo(NamedTuple):
    given: bool  # a singular given-name reading
    surname: bool
    unknown: bool  # not in the dictionary at all
    common: bool  # any current reading that is not a proper name (verbs, adjectives, common nouns)
    common_noun: bool  # a current common-noun reading ("Wójt", "Dyrektor", "Lis")


@lru_cache(maxsize=20_000)
def _word_info(word: str) -> _WordInfo:
    readings = [r[2] for r in _Morph.analyse(word) if r[0] == 0 and r[1] == 1]
    given = surname = common = common_noun = False
    unknown = all(tag == "ign" for _orth, _lemma, tag, _names, _labels in readings)
    for _orth, _lemma, tag, names, labels in readings:
        fields = tag.split(":")
        names = set(names)
        if "imię" in names and len(fields) > 1 and "sg" in fields[1].split("."):
            given = True
        if "nazwisko" in names:
            surname = True
        dated = any(label.strip() in _DATED for group in labels for label in group.split(","))
        if tag != "ign" and not names & _PROPER and not dated:
            common = True
            if fields[0] in {"subst", "depr"}:
                common_noun = True
    return _WordInfo(given, surname, unknown, common, common_noun)


def _is_capitalised(word: str) -> bool:
    # All-capital words are acronyms (MOPS, CUS, RODO), not names.
    return word[0].isupper() and (len(word) == 1 or not word[1:].isupper())


def _starts_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0\"'„“”«(–—-":
        i -= 1
    if i < 0 or text[i] == "\n":
        return True
    if text[i] not in _SENTENCE_END:
        return False
    previous_word = _LAST_WORD_RE.search(text, max(0, i - 8), i)
    return previous_word is None or previous_word.group().lower() not in _ABBREVIATIONS


def _detected_names(text: str, words: Sequence[re.Match]) -> list[tuple[int, int]]:
    spans = []
    i = 0
    while i < len(words):
        word = words[i].group()
        if not (len(word) > 1 and _is_capitalised(word)):
            i += 1
            continue
        info = _word_info(word)
        if not _name_like(word, info):
            i += 1
            continue
        run = [i]
        while run[-1] + 1 < len(words):
            following = words[run[-1] + 1]
            gap = text[words[run[-1]].end() : following.start()]
            candidate = following.group()
            if not (_NAME_GAP_RE.fullmatch(gap) and len(candidate) > 1 and _is_capitalised(candidate)):
                break
            if not _name_like(candidate, _word_info(candidate)):
                break
            run.append(run[-1] + 1)
        infos = [_word_info(words[j].group()) for j in run]
        # "Jan Kowalski": a given name with another name-like word.
        full_name = len(run) >= 2 and any(x.given for x in infos)
        # "Pani Kowalska", "dr Zieliński", but not "Pan Wójt" (an office, written with a capital).
        titled = i > 0 and _after_title(text, words[i - 1], words[i]) and not info.common_noun
        # "Ewa", or "Marek" where a capital letter means something: not at the start of a sentence.
        given_alone = (
            len(run) == 1 and info.given and (not info.common or not _starts_sentence(text, words[i].start()))
        )
        if full_name or titled or given_alone:
            spans.append((words[run[0]].start(), words[run[-1]].end()))
        i = run[-1] + 1
    return spans


def _name_like(word: str, info: _WordInfo) -> bool:
    # "Pan" and "Panie" are also surnames in the dictionary, but in letters they are forms of address.
    return (info.given or info.surname or info.unknown) and word.lower() not in _TITLES


def _after_title(text: str, previous: re.Match, word: re.Match) -> bool:
    gap = text[previous.end() : word.start()]
    return previous.group().lower() in _TITLES and re.fullmatch(r"\.?[ \t\u00a0]+", gap) is not None


class _WordMatcher(NamedTuple):
    forms: frozenset[str]
    prefix: str  # for words the dictionary does not know: any ending after this stem
    max_length: int
    needs_capital: bool  # the word is also a common Polish word ("Dobra", "Zielona")

    def matches(self, word: str) -> bool:
        if self.needs_capital and not word[0].isupper():
            return False
        lowered = word.lower()
        if lowered in self.forms:
            return True
        return bool(self.prefix) and lowered.startswith(self.prefix) and len(lowered) <= self.max_length


@lru_cache(maxsize=2_000)
def _word_matcher(word: str) -> _WordMatcher:
    """Every inflected form of a given word (its proper-name readings when it has any)."""
    readings = [r[2] for r in _Morph.analyse(word) if r[0] == 0 and r[1] == 1 and r[2][2] != "ign"]
    proper = [r for r in readings if set(r[3]) & _PROPER]
    forms = {word.lower()}
    for lemma in {r[1] for r in (proper or readings)}:
        forms.update(form.lower() for form, _lemma, tag, *_rest in _Morph.generate(lemma) if tag != "ign")
    if readings:
        prefix, max_length = "", 0
    else:
        # Unknown surnames and place names: a stem and a short Polish ending (Brzęczyszczykiewicz-owi).
        prefix, max_length = word.lower()[: max(len(word) - 2, 3)], len(word) + 4
    needs_capital = word[0].isupper() and any(not set(r[3]) & _PROPER for r in readings)
    return _WordMatcher(frozenset(forms), prefix, max_length, needs_capital)


def _known_phrases(text: str, words: Sequence[re.Match], phrases: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for phrase in phrases:
        matchers = [_word_matcher(m.group()) for m in _WORD_RE.finditer(phrase)]
        if not matchers:
            continue
        for i in range(len(words) - len(matchers) + 1):
            if all(
                matcher.matches(words[i + k].group())
                and (k == 0 or re.fullmatch(r"[\s\-–]+", text[words[i + k - 1].end() : words[i + k].start()]))
                for k, matcher in enumerate(matchers)
            ):
                spans.append((words[i].start(), words[i + len(matchers) - 1].end()))
    return spans


def is_pesel(number: str) -> bool:
    """True for 11 digits whose last one is the PESEL check digit."""
    if len(number) != 11 or not number.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number, _PESEL_WEIGHTS, strict=False))
    return (10 - total % 10) % 10 == int(number[10])


def find_personal_data(
    text: str,
    *,
    names: Iterable[str] = (),
    municipalities: Iterable[str] = (),
    extra: Iterable[str] = (),
) -> list[Span]:
    """Non-overlapping spans of personal data in ``text``, in order.

    ``names`` (people), ``municipalities`` (names of the gmina and its office) and ``extra`` (anything else)
    are matched in any inflected form, case-insensitively unless the word is also a common Polish word.
    """
    words = list(_WORD_RE.finditer(text))
    found: list[tuple[str, tuple[int, int]]] = []
    # Earlier kinds win where spans overlap: an e-mail address contains names, a name may contain a gmina.
    found += [(EMAIL, m.span()) for m in _EMAIL_RE.finditer(text)]
    found += [
        (PESEL if is_pesel(m.group()) else NUMBER11, m.span()) for m in _ELEVEN_DIGITS_RE.finditer(text)
    ]
    found += [(PHONE, m.span()) for m in _PHONE_RE.finditer(text)]
    found += [(PHONE, m.span(1)) for m in _LABELLED_PHONE_RE.finditer(text)]
    found += [(NAME, span) for span in _known_phrases(text, words, names)]
    found += [(MUNICIPALITY, span) for span in _known_phrases(text, words, municipalities)]
    found += [(OTHER, span) for span in _known_phrases(text, words, extra)]
    found += [(NAME, span) for span in _detected_names(text, words)]

    taken: list[Span] = []
    for kind, (start, end) in found:
        if all(end <= span.start or start >= span.end for span in taken):
            taken.append(Span(start, end, kind, text[start:end]))
    return sorted(taken)


def _checked(text: str, spans: Iterable[Span]) -> list[Span]:
    ordered = sorted(spans)
    previous_end = 0
    for span in ordered:
        if not (previous_end <= span.start < span.end <= len(text)):
            raise ValueError(f"spans overlap or fall outside the text: {span}")
        previous_end = span.end
    return ordered


def redact(text: str, spans: Iterable[Span], *, placeholder_for_kind: Mapping[str, str] | None = None) -> str:
    """``text`` with every span replaced by the placeholder of its kind (see ``PLACEHOLDERS``)."""
    placeholders = {**PLACEHOLDERS, **(placeholder_for_kind or {})}
    parts, position = [], 0
    for span in _checked(text, spans):
        parts += [text[position : span.start], placeholders.get(span.kind, PLACEHOLDERS[OTHER])]
        position = span.end
    parts.append(text[position:])
    return "".join(parts)


def highlight_html(text: str, spans: Iterable[Span]) -> SafeString:
    """``text`` escaped as HTML with every span wrapped in ``<mark data-kind="…">``."""
    parts, position = [], 0
    for span in _checked(text, spans):
        parts += [
            escape(text[position : span.start]),
            f'<mark data-kind="{escape(span.kind)}">{escape(text[span.start : span.end])}</mark>',
        ]
        position = span.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
