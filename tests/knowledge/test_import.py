import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Page

from knowledge import models as km

pytestmark = pytest.mark.django_db

LINES = [
    {
        "id": "p-poradnik",
        "type": "training_material",
        "title": "Poradnik",
        "summary": "S",
        "body": "## Wstęp\n\nTekst.\n\n- a\n- b",
        "topics": ["tworzenie CUS"],
        "date": "2024-01-10",
        "format": "poradnik",
        "audience": ["radni"],
    },
    {
        "id": "p-gogolin",
        "type": "good_practice",
        "title": "Gogolin",
        "summary": "S",
        "body": "Opis.",
        "topics": [],
        "date": "2021-07-09",
        "municipality": "Gogolin",
        "voivodeship": "opolskie",
    },
    {
        "id": "p-nowa",
        "type": "legal_interpretation",
        "title": "Nowa",
        "summary": "S",
        "body": "Odpowiedź.",
        "topics": [],
        "date": "2024-02-01",
        "legal_basis": [
            "art. 30 ust. 1 ustawy o realizowaniu usług społecznych przez centrum usług społecznych"
        ],
    },
    {
        "id": "p-stara",
        "type": "legal_interpretation",
        "title": "Stara",
        "summary": "S",
        "question": "Pytanie?",
        "answer": "Odpowiedź.",
        "topics": [],
        "date": "2020-02-01",
        "status": "superseded",
        "superseded_by": "p-nowa",
        "legal_basis": [
            {"act": "ustawa o pomocy społecznej", "article": "110", "paragraph": None, "point": None}
        ],
    },
    {
        "id": "p-artykul",
        "type": "article",
        "title": "Artykuł",
        "summary": "S",
        "body": "T.",
        "topics": [],
        "date": None,
    },
    {
        "id": "p-news",
        "type": "news",
        "title": "Wiadomość",
        "summary": "S",
        "body": "T.",
        "topics": [],
        "date": "2021-09-16",
    },
    {
        "id": "p-event",
        "type": "event",
        "title": "Spotkanie",
        "summary": "S",
        "body": "T.",
        "topics": [],
        "date": "2023-04-27",
        "start": "2023-04-27T10:00:00+02:00",
        "end": "2023-04-27T13:00:00+02:00",
        "venue": "Opole",
        "organiser": "ROPS Opole",
    },
]


def write(tmp_path, lines, name="content.jsonl"):
    path = tmp_path / name
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines),
        encoding="utf-8",
    )
    return path


def test_import_creates_published_pages_of_each_type(tmp_path, site, capsys):
    call_command("import_content", str(write(tmp_path, LINES)))
    assert "7 created, 0 updated" in capsys.readouterr().out
    training = km.TrainingMaterialPage.objects.get(slug="p-poradnik")
    assert training.live and training.format == "guide"
    assert [b.block_type for b in training.body] == ["heading", "paragraph"]
    assert "<li>a</li>" in str(training.body[1].value)
    assert list(training.topics.values_list("name", flat=True)) == ["tworzenie CUS"]
    assert list(training.audience.values_list("name", flat=True)) == ["radni"]
    assert km.GoodPracticePage.objects.get(slug="p-gogolin").municipality.voivodeship == "opolskie"
    old = km.LegalInterpretationPage.objects.get(slug="p-stara")
    new = km.LegalInterpretationPage.objects.get(slug="p-nowa")
    assert old.superseded_by == new and old.status == "superseded"
    ref = new.legal_basis.get()
    assert (ref.article, ref.paragraph) == ("30", "1")
    assert ref.act == "ustawa o realizowaniu usług społecznych przez centrum usług społecznych"
    assert old.legal_basis.get().citation == "art. 110 ustawy o pomocy społecznej"
    assert km.ExplanationPage.objects.get(slug="p-artykul").live
    assert km.EventPage.objects.get(slug="p-event").get_parent().specific_class is km.EventIndexPage


def test_reimport_updates_in_place(tmp_path, site, capsys):
    call_command("import_content", str(write(tmp_path, LINES)))
    changed = [dict(LINES[0], title="Poradnik (wyd. 2)")] + LINES[1:]
    call_command("import_content", str(write(tmp_path, changed)))
    assert "0 created, 7 updated" in capsys.readouterr().out
    assert km.TrainingMaterialPage.objects.get(slug="p-poradnik").title == "Poradnik (wyd. 2)"
    assert km.TrainingMaterialPage.objects.count() == 1


@pytest.mark.parametrize(
    "bad, reason",
    [
        ("{not json", "not valid JSON"),
        ({"id": "x", "type": "recipe", "title": "T"}, "unknown “type”"),
        ({"id": "Bad Slug", "type": "news", "title": "T"}, "lowercase"),
        ({"id": "x", "type": "news", "title": ""}, "“title”"),
        ({"id": "x", "type": "news", "title": "T", "date": "27.04.2023"}, "YYYY-MM-DD"),
        (
            {"id": "x", "type": "legal_interpretation", "title": "T", "body": "B", "status": "superseded"},
            "superseded_by",
        ),
        ({"id": "x", "type": "event", "title": "T", "start": "2023-04-27T10:00:00"}, "offset"),
        ({"id": "p-poradnik", "type": "news", "title": "T"}, "repeats line 1"),
    ],
)
def test_bad_line_stops_the_import_with_its_number_and_creates_nothing(tmp_path, site, bad, reason):
    before = Page.objects.count()
    path = write(tmp_path, [LINES[0], LINES[1], bad])
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("import_content", str(path))
    assert "line 3" in str(exc.value) and reason in str(exc.value)
    assert Page.objects.count() == before


def test_import_reasons_are_in_polish_by_default(tmp_path, site):
    with pytest.raises(CommandError) as exc:
        call_command("import_content", str(write(tmp_path, ["{zepsuty"])))
    assert "line 1" in str(exc.value) and "nieprawidłowy JSON" in str(exc.value)


def test_a_line_the_database_rejects_rolls_back_the_earlier_lines(tmp_path, site):
    before = Page.objects.count()
    # A URL longer than the field allows passes parsing but fails model validation on line 2.
    bad = dict(LINES[5], id="p-long", source="https://example.org/" + "a" * 600)
    with pytest.raises(CommandError) as exc:
        call_command("import_content", str(write(tmp_path, [LINES[0], bad])))
    assert "line 2" in str(exc.value)
    assert Page.objects.count() == before


def test_missing_file_is_a_clear_error(tmp_path, site):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_content", str(tmp_path / "nope.jsonl"))


def test_search_eval_corpus_imports(site, settings, capsys):
    corpus = settings.BASE_DIR.parent / "shared" / "search-eval" / "corpus-dev.jsonl"
    if not corpus.exists():
        pytest.skip("the shared evaluation corpus is not next to the repository")
    call_command("import_content", str(corpus))
    assert "36 created" in capsys.readouterr().out
