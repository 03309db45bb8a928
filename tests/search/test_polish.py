"""The Polish analyser shared by every search engine: plain functions, no database."""

import threading
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from search.polish import STOP_WORDS, Analyzer, Token, fold, get_analyzer, tokenize

GLOSSARY = [
    ("CUS", ["centrum usług społecznych"]),
    ("CUW", ["centrum usług wspólnych"]),
    ("OPS", ["ośrodek pomocy społecznej"]),
    ("GOPS", ["gminny ośrodek pomocy społecznej"]),
    ("IPUS", ["indywidualny plan usług społecznych"]),
]


@pytest.fixture
def analyser() -> Analyzer:
    return Analyzer()


@pytest.fixture
def glossary_analyser() -> Analyzer:
    analyser = Analyzer()
    analyser.set_synonyms(GLOSSARY)
    return analyser


def tokens(analyser: Analyzer, text: str) -> set[str]:
    return set(analyser.analyse(text))


def test_fold_removes_polish_diacritics_including_l_stroke():
    assert fold("Zażółć GĘŚLĄ jaźń, Łódź") == "zazolc gesla jazn, lodz"
    assert fold("usługami społecznymi") == "uslugami spolecznymi"


def test_fold_removes_generic_combining_marks():
    decomposed = "a\u0328c\u0301"  # "ąć" typed as base letters plus combining marks
    assert fold(decomposed) == "ac"
    assert fold("Crème brûlée") == "creme brulee"


def test_tokenize_offsets_point_into_the_original_text_with_polish_letters():
    text = "Żłobek w CUS-ie: art. 30 ustawy z 2023 r., świadczą usługi."
    found = tokenize(text)
    assert [t.text for t in found] == [
        "Żłobek", "w", "CUS", "ie", "art", "30", "ustawy", "z", "2023", "r", "świadczą", "usługi",
    ]  # fmt: skip
    assert all(text[t.start : t.end] == t.text for t in found)
    assert found[0] == Token("Żłobek", 0, 6)


def test_tokenize_keeps_decomposed_letters_inside_one_word():
    text = "us\u0142ugi spo\u0142eczne\u0301"
    assert [t.text for t in tokenize(text)] == ["usługi", "społeczne\u0301"]


def test_analyse_words_gives_offsets_and_lemmas_for_highlighting(analyser):
    text = "Ośrodki pomocy społecznej"
    words = analyser.analyse_words(text)
    assert [(text[t.start : t.end], "osrodek" in lemmas) for t, lemmas in words][0] == ("Ośrodki", True)
    assert [t.text for t, _lemmas in words] == ["Ośrodki", "pomocy", "społecznej"]


@pytest.mark.parametrize(
    ("forms", "lemma"),
    [
        (["usługi", "usługami", "usług", "usłudze"], "usluga"),
        (["ośrodek", "ośrodka", "ośrodkami", "ośrodków"], "osrodek"),
        (["gmina", "gminie", "gmin", "gminą"], "gmina"),
        (["centrum", "centrach", "centra"], "centrum"),
        (["społeczny", "społecznych", "społecznej"], "spoleczny"),
        (["dziecko", "dzieci", "dziećmi"], "dziecko"),
        (["składać", "składają", "składała"], "skladac"),
    ],
)
def test_inflected_forms_share_the_folded_lemma(analyser, forms, lemma):
    for form in forms:
        assert lemma in tokens(analyser, form), form


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("mieszkaniec", "mieszkanie"),
        ("świadczenie", "świadectwo"),
        ("rodzina", "rodzic"),
        ("opieka", "opiekun"),
    ],
)
def test_different_lexemes_sharing_a_prefix_stay_apart(analyser, left, right):
    assert not tokens(analyser, left) & tokens(analyser, right)


def test_words_typed_without_diacritics_reach_lemmas_the_analyser_has_seen(analyser):
    assert analyser.query_terms("uslugami") == [{"uslugami"}]  # nothing seen yet: kept as typed

    analyser.analyse("Centrum świadczy usługi społeczne. Ośrodek pomocy działa w Myślenicach.")

    terms = analyser.query_terms("uslugami spolecznymi osrodkiem w myslenicach")
    assert [("usluga" in t, "spoleczny" in t, "osrodek" in t, "myslenice" in t) for t in terms] == [
        (True, False, False, False),
        (False, True, False, False),
        (False, False, True, False),
        (False, False, False, True),
    ]


def test_real_word_without_diacritics_also_gets_the_accented_reading(analyser):
    analyser.analyse("Rada gminy przyjmuje uchwałę.")
    [terms] = analyser.query_terms("uchwala")
    assert {"uchwalac", "uchwala"} <= terms  # the verb "uchwala" and the noun "uchwała"


def test_lexicon_round_trip_keeps_diacritic_free_lookups(analyser):
    before = analyser.lexicon_version
    analyser.analyse("Usługi społeczne w ośrodku.")
    after = analyser.lexicon_version
    analyser.analyse("Usługi społeczne.")
    assert before < after == analyser.lexicon_version
    items = analyser.lexicon_items()
    assert isinstance(items, dict)
    assert "usluga" in items["uslugami"]
    assert all(isinstance(lemmas, tuple) for lemmas in items.values())

    fresh = Analyzer()
    fresh.load_lexicon(items)
    assert "usluga" in fresh.query_terms("uslugami")[0]


def test_acronym_expands_to_its_phrase(glossary_analyser):
    variants = glossary_analyser.expand("CUS Gdynia")
    assert variants[0] == [{"cus"}, {"gdynia"}]
    assert [{"centrum"} <= v[0] and "usluga" in v[1] and "spoleczny" in v[2] for v in variants[1:]] == [True]
    assert variants[1][3] == {"gdynia"}


def test_inflected_phrase_without_diacritics_contracts_to_the_acronym(glossary_analyser):
    assert glossary_analyser.expand("centrach usług społecznych")[1:] == [[{"cus"}]]
    assert glossary_analyser.expand("uslugi w centrum uslug spolecznych")[1:] == [
        [{"usluga", "uslugi"}, {"cus"}]
    ]
    variants = glossary_analyser.expand("gminnego osrodka pomocy spolecznej")
    assert [{"gops"}] in variants
    assert [{"gminny"}, {"ops"}] in variants


def test_unrelated_phrase_is_not_expanded(glossary_analyser):
    assert glossary_analyser.expand("pomoc społeczna") == [[{"pomoc"}, {"spoleczny"}]]


def test_cus_never_matches_cuw(glossary_analyser):
    assert glossary_analyser.analyse("CUS") == ["cus"]
    assert glossary_analyser.analyse("CUW") == ["cuw"]
    assert glossary_analyser.query_terms("cus") == [{"cus"}]
    cuw_side = {
        token
        for variant in glossary_analyser.expand("centrum usług wspólnych")
        for t in variant
        for token in t
    }
    cus_side = {token for variant in glossary_analyser.expand("CUS") for t in variant for token in t}
    assert "cus" not in cuw_side
    assert "cuw" not in cus_side
    assert "cus" not in tokens(glossary_analyser, "CUW-y i CUSY.PL")


def test_acronym_inflection_ending_is_not_a_word(glossary_analyser):
    assert glossary_analyser.analyse("CUS-ów i OPS-ie") == ["cus", "ops"]


def test_stop_words_are_dropped_and_numbers_kept(analyser):
    assert analyser.analyse("i w na że się jest to oraz dla nie czy") == []
    found = analyser.analyse("Zgodnie z art. 30 ustawy z 2023 r.")
    assert {"artykul", "30", "ustawa", "2023"} <= set(found)
    assert "z" not in found
    assert analyser.query_terms("czy gmina musi")[0] == {"gmina"}
    assert all(word == fold(word) for word in STOP_WORDS)


def test_suggest_proposes_the_closest_known_word(analyser):
    analyser.analyse("Koordynator IPUS współpracuje z koordynatorami usług.")
    assert analyser.suggest("koordynatr") == "koordynator"
    assert analyser.suggest("koordynator") is None
    assert analyser.suggest("koordynatorami") is None


def test_query_repairs_a_one_letter_typo_of_a_known_word(analyser):
    analyser.analyse("Diagnoza potrzeb społeczności lokalnej.")
    [terms] = analyser.query_terms("potzreb")
    assert "potrzeba" in terms


def test_get_analyzer_is_one_instance_per_process():
    seen: list[Analyzer] = []
    threads = [threading.Thread(target=lambda: seen.append(get_analyzer())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(a) for a in seen}) == 1
    assert seen[0] is get_analyzer()


# Pieces of text where word boundaries are subtle: acronyms with hyphenated endings, abbreviations,
# underscores, digits, combining marks.
_PIECES = [
    "CUS-ów",
    "CUS-u",
    "NGO-sy",
    "MOPS-ie",
    "MRPiPS-ie",
    "OPS",
    "usługi",
    "Usług",
    "społecznych",
    "art.",
    "art",
    "30",
    "ust.",
    "np.",
    "rada-gminy",
    "gminy",
    "snake_case",
    "x",
    "-",
    ".",
    " ",
    "  ",
    ", ",
    "\n",
    "e\u0301",
    "usług\u0301",
    "sy",
    "ie",
    "sy.",
    "r.",
    "Pomoc",
    "pomocy",
    "ośrodek",
    "ośrodka",
    "2020-2023",
    "KAS",
    "kasa",
]


_SEPARATORS = ["", " ", " ", "-", ".", ". ", ", "]


@given(
    st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), min_size=1, max_size=30),
    st.data(),
)
@example([("NGO-sy", " "), ("sy", " "), ("art", ". "), ("art", " ")], ["sy", "art."])
@example([("art", ". "), ("art", " ")], ["art"])
@settings(max_examples=200)
def test_matching_spans_find_the_words_analyse_words_finds(pieces, wanted_pieces):
    if not isinstance(wanted_pieces, list):
        wanted_pieces = wanted_pieces.draw(st.lists(st.sampled_from([p for p, _ in pieces]), max_size=3))
    reference, fast = Analyzer(), Analyzer()
    for analyser in (reference, fast):
        analyser.set_synonyms(GLOSSARY)
    text = "".join(piece + separator for piece, separator in pieces)
    lemmas = {lemma for piece in wanted_pieces for lemma in reference.analyse(piece)}
    fast.analyse(" ".join(wanted_pieces))
    expected = [(t.start, t.end) for t, found in reference.analyse_words(text) if lemmas.intersection(found)]
    counted = Counter(fast._freq)
    assert fast.matching_spans(text, lemmas) == expected
    # The words are learnt as analyse_words() learns them, but a snippet counts nothing: "did you mean"
    # weighs words by the index, not by what a process happened to show.
    assert fast.lexicon_items() == reference.lexicon_items()
    assert fast._freq == counted
