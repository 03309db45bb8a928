import pytest

from consultations.redaction import (
    EMAIL,
    MUNICIPALITY,
    NAME,
    NUMBER11,
    OTHER,
    PESEL,
    PHONE,
    Span,
    find_personal_data,
    highlight_html,
    is_pesel,
    redact,
)

QUESTION = """Dzień dobry,
zwracam się w imieniu Gminy Gogolin. Pani Anna Nowak, mieszkanka Gogolina (PESEL 44051401359), złożyła \
wniosek o usługi opiekuńcze dla matki. Czy ośrodek może odmówić? Kontakt: anna.nowak@gogolin.pl, \
tel. 601 234 567 lub (77) 466 20 13.
Z poważaniem
Jan Kowalski, kierownik OPS w Gogolinie"""

ANSWER = """Zgodnie z art. 50 ust. 1 ustawy z dnia 12 marca 2004 r. o pomocy społecznej (Dz. U. z 2024 r. \
poz. 1283 ze zm.) osobie samotnej przysługują usługi opiekuńcze. Wojewódzki Sąd Administracyjny w Opolu \
(sygn. akt II SA/Op 123/22) wskazał, że odmowa wymaga uzasadnienia; podobnie Naczelny Sąd Administracyjny \
(Dz.U. 2019 poz. 1818, art. 30 ust. 2). Rada Gminy określa w uchwale zasady odpłatności, a Wójt ją wykonuje. \
Dyrektor Centrum Usług Społecznych w Zielonej Górze realizuje Program Usług Społecznych. Proszę pamiętać, \
że zasiłek stały wynosi 1 229 zł, a termin upływa 2024-05-15. Marek to częste imię, tu bez znaczenia."""


def kinds(text, **known):
    return [(span.kind, span.text) for span in find_personal_data(text, **known)]


def test_a_question_from_a_municipality_is_fully_flagged():
    found = kinds(QUESTION, names=["Anna Nowak"], municipalities=["Gogolin"])
    assert found == [
        (MUNICIPALITY, "Gogolin"),
        (NAME, "Anna Nowak"),
        (MUNICIPALITY, "Gogolina"),
        (PESEL, "44051401359"),
        (EMAIL, "anna.nowak@gogolin.pl"),
        (PHONE, "601 234 567"),
        (PHONE, "(77) 466 20 13"),
        (NAME, "Jan Kowalski"),
        (MUNICIPALITY, "Gogolinie"),
    ]


def test_redacting_the_question_leaves_no_personal_data():
    redacted = redact(
        QUESTION, find_personal_data(QUESTION, names=["Anna Nowak"], municipalities=["Gogolin"])
    )
    for secret in ("Nowak", "Kowalski", "Gogolin", "44051401359", "@", "601", "466"):
        assert secret not in redacted
    assert "Pani [imię i nazwisko], mieszkanka [gmina] (PESEL [PESEL])" in redacted
    assert redacted.endswith("[imię i nazwisko], kierownik OPS w [gmina]")


def test_an_answer_citing_the_law_has_nothing_to_flag():
    # Legal references, courts, offices, amounts, dates and a capitalised word at the start of a sentence.
    assert kinds(ANSWER) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pani Kowalska złożyła wniosek.", [(NAME, "Kowalska")]),
        ("Rozmawiałem z Panem Nowakiem.", [(NAME, "Nowakiem")]),
        ("Pismo podpisał dr Zieliński.", [(NAME, "Zieliński")]),
        ("Wniosek złożyła Katarzyna Wiśniewska-Nowak.", [(NAME, "Katarzyna Wiśniewska-Nowak")]),
        ("Sprawę prowadzi Grzegorz Brzęczyszczykiewicz.", [(NAME, "Grzegorz Brzęczyszczykiewicz")]),
        ("Kowalski Jan, zam. Gogolin.", [(NAME, "Kowalski Jan")]),
        ("Spotkanie z Kasią w czwartek.", [(NAME, "Kasią")]),
        ("W czwartek przyjdzie Ewa.", [(NAME, "Ewa")]),
        # Mid-sentence, a capital letter makes an ambiguous given name a name.
        ("Dzwonił wczoraj Marek w sprawie zasiłku.", [(NAME, "Marek")]),
        # Forms of address and office titles are not names.
        ("Szanowny Panie Wójcie, Pani Dyrektor prosi o opinię.", []),
        ("Pan Burmistrz przekazał pismo.", []),
        ("Pani Róża Kowalska i Pani Róża.", [(NAME, "Róża Kowalska"), (NAME, "Róża")]),
        # Capitalised words at the start of a sentence, lone surnames-or-words, acronyms.
        ("Marek to dobre imię. Dzień dobry. Róża zakwitła. Lis przebiegł.", []),
        ("Wniosek trafił do MOPS i CUS; RODO tego wymaga.", []),
        ("Cytuję art. 30 ust. 2 oraz Dz.U. 2019 poz. 1818.", []),
        ("Kraków, Tarnów i Zielona Góra to miasta.", []),
    ],
)
def test_names_are_recognised_from_the_dictionary(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "phone",
    [
        "601 234 567",
        "601-234-567",
        "+48 601 234 567",
        "+48601234567",
        "0048 601 234 567",
        "(77) 466 20 13",
        "77 466 20 13",
        "77-466-20-13",
        "(77) 4662013",
    ],
)
def test_polish_phone_numbers(phone):
    assert kinds(f"Proszę dzwonić pod {phone}, dziękuję.") == [(PHONE, phone)]


@pytest.mark.parametrize(
    "text",
    [
        "Kwota 123 456 789 zł została przyznana.",
        "REGON 531412345.",
        "NIP 754-123-45-67.",
        "KRS 0000123456.",
        "Rachunek 61 1090 1014 0000 0712 1981 2874.",
        "Termin 2024-05-15 godz. 10:30.",
        "Dz. U. z 2023 r. poz. 1234 ze zm.",
    ],
)
def test_numbers_that_are_not_phone_numbers(text):
    assert kinds(text) == []


def test_nine_digits_in_a_row_are_a_phone_number_only_when_labelled():
    assert kinds("tel. 601234567") == [(PHONE, "601234567")]
    assert kinds("Telefon: 601234567.") == [(PHONE, "601234567")]
    assert kinds("Numer sprawy 601234567.") == []


def test_eleven_digit_numbers_are_pesel_only_with_a_valid_check_digit():
    assert is_pesel("44051401359")
    assert is_pesel("02070803628")
    assert not is_pesel("44051401358")
    assert kinds("Numery 44051401359 i 44051401358.") == [(PESEL, "44051401359"), (NUMBER11, "44051401358")]
    assert kinds("Numer 440514013591 jest za długi.") == []


def test_known_names_match_in_inflected_forms():
    text = "Wezwano Pana Jana Kowalskiego; Janowi Kowalskiemu doręczono pismo. Kowalska to ktoś inny."
    found = find_personal_data(text, names=["Jan Kowalski"])
    assert [(s.kind, s.text) for s in found][:2] == [(NAME, "Jana Kowalskiego"), (NAME, "Janowi Kowalskiemu")]
    # A surname the dictionary does not know still matches with its endings.
    assert kinds("Pismo do Brzęczyszczykiewiczowi.", extra=["Brzęczyszczykiewicz"]) == [
        (OTHER, "Brzęczyszczykiewiczowi")
    ]


def test_municipalities_match_case_insensitively_and_inflected():
    text = "GOGOLIN, gogolin i w Gogolinie; Urząd Miejski w Gogolinie oraz sekretariat@gogolin.pl"
    found = kinds(text, municipalities=["Gogolin"])
    assert found == [
        (MUNICIPALITY, "GOGOLIN"),
        (MUNICIPALITY, "gogolin"),
        (MUNICIPALITY, "Gogolinie"),
        (MUNICIPALITY, "Gogolinie"),
        (EMAIL, "sekretariat@gogolin.pl"),
    ]
    assert kinds("Mieszkańcy Tarnowa i tarnowie.", municipalities=["Tarnów"]) == [
        (MUNICIPALITY, "Tarnowa"),
        (MUNICIPALITY, "tarnowie"),
    ]
    assert kinds("Urząd Gminy Gogolin przyjął wniosek.", municipalities=["Urząd Gminy Gogolin"]) == [
        (MUNICIPALITY, "Urząd Gminy Gogolin")
    ]


def test_a_municipality_that_is_also_a_common_word_needs_its_capital_letter():
    text = "W gminie Dobra udzielono dobrej pomocy, a w Dobrej otwarto klub; to dobra praktyka."
    assert kinds(text, municipalities=["Dobra"]) == [(MUNICIPALITY, "Dobra"), (MUNICIPALITY, "Dobrej")]


def test_redact_uses_placeholders_per_kind_and_accepts_overrides():
    text = "Jan Kowalski, jan@example.pl"
    spans = find_personal_data(text)
    assert redact(text, spans) == "[imię i nazwisko], [e-mail]"
    assert redact(text, spans, placeholder_for_kind={NAME: "X"}) == "X, [e-mail]"
    # The reviewer may drop a span: what is not passed stays.
    assert redact(text, [s for s in spans if s.kind == EMAIL]) == "Jan Kowalski, [e-mail]"


def test_spans_must_not_overlap():
    with pytest.raises(ValueError):
        redact("abcdef", [Span(0, 3, NAME, "abc"), Span(2, 4, NAME, "cd")])
    with pytest.raises(ValueError):
        highlight_html("abc", [Span(1, 9, NAME, "bc")])


def test_highlight_escapes_the_text_and_marks_the_spans():
    text = '<script>alert("x")</script> Jan Kowalski & <b>jan@example.pl</b>'
    html = highlight_html(text, find_personal_data(text))
    assert html == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; "
        '<mark data-kind="name">Jan Kowalski</mark> &amp; '
        '&lt;b&gt;<mark data-kind="email">jan@example.pl</mark>&lt;/b&gt;'
    )
    assert highlight_html("a < b", []) == "a &lt; b"


def test_spans_point_into_the_text():
    for span in find_personal_data(QUESTION, names=["Anna Nowak"], municipalities=["Gogolin"]):
        assert QUESTION[span.start : span.end] == span.text
