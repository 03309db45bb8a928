"""Scale the demo portal up to production-like volumes for benchmarks: thousands of pages and cases.

Generated pages are variations of the demo content (same texts, topics and people, other titles, places and
dates) and carry a slug ending in ``-g<number>``; generated cases have the question prefix
``SCALE_CASE_MARK`` in their provisions. Both can be removed again with ``scale_clear()``.

Pages are written in bulk rather than through ``add_child`` and ``save_revision().publish()``: those cost
about 40 queries and a search-index task per page, which makes 10,000 pages take many minutes. Instead the
tree paths are computed here, the ``wagtailcore_page`` rows go in with one ``bulk_create`` per section and
the type-specific rows through ``save_base(raw=True)`` (the path fixtures load through: no page signals,
no per-page indexing). The search index is rebuilt once at the end.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Page

from knowledge.importer import ImportItem, parse_lines
from knowledge.models import (
    ACT_CUS,
    Audience,
    EventPage,
    EventProgrammeItem,
    GoodPracticePage,
    GoodPracticePartner,
    InterpretationChange,
    LegalInterpretationPage,
    LegalReference,
    Municipality,
    SocialService,
    Topic,
)
from knowledge.services import PAGE_TYPES

GENERATED_SLUG_RE = r"-g[0-9]{5}$"
SCALE_CASE_MARK = "[skala]"
WARSAW = ZoneInfo("Europe/Warsaw")

# How generated pages are spread over the page types (roughly the shape of a real knowledge base).
TYPE_WEIGHTS = {
    "training_material": 20,
    "good_practice": 25,
    "legal_interpretation": 20,
    "explanation": 10,
    "news": 15,
    "event": 10,
}

# Real municipalities in every voivodeship, so listing filters by voivodeship have something to find.
MUNICIPALITIES = [
    ("Bolesławiec", "dolnośląskie", "urban"),
    ("Oleśnica", "dolnośląskie", "urban"),
    ("Chełmno", "kujawsko-pomorskie", "urban"),
    ("Golub-Dobrzyń", "kujawsko-pomorskie", "urban"),
    ("Biłgoraj", "lubelskie", "urban"),
    ("Łęczna", "lubelskie", "urban-rural"),
    ("Sulęcin", "lubuskie", "urban-rural"),
    ("Międzyrzecz", "lubuskie", "urban-rural"),
    ("Pabianice", "łódzkie", "urban"),
    ("Rawa Mazowiecka", "łódzkie", "urban"),
    ("Wieliczka", "małopolskie", "urban-rural"),
    ("Bochnia", "małopolskie", "urban"),
    ("Płońsk", "mazowieckie", "urban"),
    ("Mszczonów", "mazowieckie", "urban-rural"),
    ("Głuchołazy", "opolskie", "urban-rural"),
    ("Krapkowice", "opolskie", "urban-rural"),
    ("Prudnik", "opolskie", "urban-rural"),
    ("Jasło", "podkarpackie", "urban"),
    ("Łańcut", "podkarpackie", "urban"),
    ("Hajnówka", "podlaskie", "urban"),
    ("Sokółka", "podlaskie", "urban-rural"),
    ("Kartuzy", "pomorskie", "urban-rural"),
    ("Czersk", "pomorskie", "urban-rural"),
    ("Mikołów", "śląskie", "urban"),
    ("Lubliniec", "śląskie", "urban"),
    ("Busko-Zdrój", "świętokrzyskie", "urban-rural"),
    ("Pińczów", "świętokrzyskie", "urban-rural"),
    ("Giżycko", "warmińsko-mazurskie", "urban"),
    ("Braniewo", "warmińsko-mazurskie", "urban"),
    ("Jarocin", "wielkopolskie", "urban-rural"),
    ("Września", "wielkopolskie", "urban-rural"),
    ("Wałcz", "zachodniopomorskie", "urban"),
    ("Goleniów", "zachodniopomorskie", "urban-rural"),
]

TITLE_SUFFIXES = {
    "training_material": ["moduł {n}", "edycja {year}", "materiał uzupełniający {n}", "wersja skrócona {n}"],
    "good_practice": ["doświadczenia gminy {place}", "{place}", "CUS w gminie {place}"],
    "legal_interpretation": ["interpretacja nr {n}/{year}", "stanowisko z {year} r. ({n})"],
    "explanation": ["omówienie {n}", "pytania i odpowiedzi, cz. {n}"],
    "news": ["{place}, {year}", "komunikat {n}/{year}"],
    "event": ["{place}, {year}", "spotkanie {n}/{year}"],
}

CASE_TITLES = [
    "Czy gmina może powierzyć organizację usług społecznych organizacji pozarządowej?",
    "Wymagania kwalifikacyjne organizatora usług społecznych",
    "Przekształcenie ośrodka pomocy społecznej a umowy o pracę",
    "Program usług społecznych – tryb konsultacji z mieszkańcami",
    "Finansowanie stanowiska koordynatora indywidualnych planów",
    "Zlecanie usług w trybie ustawy o pożytku publicznym",
    "Statut centrum usług społecznych – zakres regulacji",
    "Diagnoza potrzeb mieszkańców – kto ją przygotowuje?",
]
CASE_QUESTION = (
    "Gmina przygotowuje się do utworzenia centrum usług społecznych. Prosimy o wyjaśnienie, jak "
    "rozumieć przepisy ustawy w opisanej sytuacji i jakie dokumenty przygotować przed uchwałą rady."
)


@dataclass
class ScaleResult:
    pages_created: int = 0
    pages_total: int = 0
    cases_created: int = 0
    cases_total: int = 0
    by_type: dict = field(default_factory=dict)


def generated_pages():
    return Page.objects.filter(slug__regex=GENERATED_SLUG_RE)


def generated_cases():
    from consultations.models import Consultation

    return Consultation.objects.filter(provisions__startswith=SCALE_CASE_MARK)


@transaction.atomic
def scale_clear() -> tuple[int, int]:
    """Remove generated pages and cases; returns how many of each there were."""
    from consultations.models import Consultation

    pages = list(generated_pages().values_list("pk", flat=True))
    parents = set(generated_pages().values_list("path", flat=True))
    # Deleting the specific rows first keeps Django from loading 10,000 page objects to cascade.
    for page_model, _index in set(PAGE_TYPES.values()):
        page_model.objects.filter(pk__in=pages).delete()
    Page.objects.filter(pk__in=pages).delete()
    for parent_path in {path[: -Page.steplen] for path in parents}:
        parent = Page.objects.get(path=parent_path)
        Page.objects.filter(pk=parent.pk).update(numchild=parent.get_children().count())
    cases = generated_cases().count()
    Consultation.objects.filter(pk__in=generated_cases().values("pk")).delete()
    return len(pages), cases


def scale_up(*, pages: int, cases: int = 0, seed: int = 2026, reindex: bool = True, log=None) -> ScaleResult:
    """Bring knowledge pages to ``pages`` in total (and generated cases to ``cases``); safe to run twice."""
    log = log or (lambda message: None)
    rng = random.Random(seed)
    result = ScaleResult()
    with transaction.atomic():
        result.by_type = _pages_create(pages, rng=rng, log=log)
        result.pages_created = sum(result.by_type.values())
        if cases:
            result.cases_created = _cases_create(cases, rng=rng)
        transaction.on_commit(_caches_clear)
    result.pages_total = _knowledge_pages().count()
    result.cases_total = generated_cases().count()
    if reindex and result.pages_created:
        from search.services import search_reindex

        log("rebuilding the search index")
        search_reindex()
    return result


def _knowledge_pages():
    models = {page_model for page_model, _index in PAGE_TYPES.values()}
    return Page.objects.type(*models)


def _caches_clear():
    from django.core.cache import caches

    from portal.cache import PAGE_CACHE
    from portal.signals import _clear_navigation

    caches[PAGE_CACHE].clear()
    _clear_navigation()


def _templates() -> dict[str, list[ImportItem]]:
    from portal.demo import DEMO_DIR

    with (DEMO_DIR / "content.jsonl").open(encoding="utf-8") as fh:
        items = parse_lines(fh)
    by_type: dict[str, list[ImportItem]] = {}
    for item in items:
        kind = "explanation" if item.type == "article" else item.type
        by_type.setdefault(kind, []).append(item)
    if "explanation" not in by_type:
        # The demo has no explanations yet: training texts read like them, so they stand in.
        common = ("title", "summary", "date", "review_date", "source_url", "body")
        by_type["explanation"] = [
            ImportItem(
                line_number=item.line_number,
                slug=f"omowienie-{item.slug}",
                type="explanation",
                fields={**{k: item.fields[k] for k in common}, "author": "Obserwatorium CUS"},
                topics=item.topics,
            )
            for item in by_type["training_material"]
        ]
    return by_type


class _Names:
    """Topics, audiences and services by name, created once instead of per page."""

    def __init__(self):
        self._cache: dict = {}

    def ids(self, model, names) -> list[int]:
        out = []
        for name in names:
            key = (model, name)
            if key not in self._cache:
                self._cache[key] = model.objects.get_or_create(name=name)[0].pk
            out.append(self._cache[key])
        return out


def _municipalities() -> list[Municipality]:
    found = []
    for name, voivodeship, kind in MUNICIPALITIES:
        municipality = Municipality.objects.filter(name=name, voivodeship=voivodeship).first()
        if municipality is None:
            municipality = Municipality.objects.create(name=name, voivodeship=voivodeship, kind=kind)
        found.append(municipality)
    return found


def _pages_create(target: int, *, rng: random.Random, log) -> dict[str, int]:
    from portal.services import site_ensure

    templates = _templates()
    sections = site_ensure().sections
    missing = target - _knowledge_pages().count()
    if missing <= 0:
        return {}
    existing_slugs = set(generated_pages().values_list("slug", flat=True))
    next_number = len(existing_slugs)
    kinds = list(TYPE_WEIGHTS)
    weights = [TYPE_WEIGHTS[k] for k in kinds]
    plan: dict[str, list[int]] = {k: [] for k in kinds}
    while missing > 0:
        number = next_number
        next_number += 1
        kind = rng.choices(kinds, weights)[0]
        template = templates[kind][number % len(templates[kind])]
        if f"{template.slug[:70]}-g{number:05d}" in existing_slugs:
            continue
        plan[kind].append(number)
        missing -= 1

    names = _Names()
    places = _municipalities()
    owner = Page.objects.filter(pk=sections[next(iter(sections))].pk).values_list("owner", flat=True).first()
    created: dict[str, int] = {}
    for kind, numbers in plan.items():
        if not numbers:
            continue
        model, index_model = PAGE_TYPES[kind]
        parent = sections[index_model]
        created[kind] = _section_fill(
            parent, model, kind, numbers, templates[kind], names=names, places=places, owner=owner, rng=rng
        )
        log(f"{kind}: {created[kind]} pages")
    return created


def _section_fill(parent, model, kind, numbers, templates, *, names, places, owner, rng) -> int:
    parent = Page.objects.get(pk=parent.pk)  # fresh numchild and path
    last = parent.get_last_child()
    position = Page._str2int(last.path[-Page.steplen :]) if last else 0
    now = timezone.now()
    specifics, extras = [], []
    for number in numbers:
        template = templates[number % len(templates)]
        place = rng.choice(places)
        day = date(2019, 9, 1) + timedelta(days=rng.randrange(0, 7 * 365 + 60))
        position += 1
        slug = f"{template.slug[:70]}-g{number:05d}"
        suffix = rng.choice(TITLE_SUFFIXES[kind]).format(n=number % 97 + 1, year=day.year, place=place.name)
        title = f"{template.fields['title'][: 255 - len(suffix) - 3]} – {suffix}"
        page = model(
            title=title,
            draft_title=title,
            slug=slug,
            path=Page._get_path(parent.path, parent.depth + 1, position),
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{slug}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=now,
            last_published_at=now,
            owner_id=owner,
            locale_id=parent.locale_id,
            translation_key=uuid.uuid4(),
        )
        for name, value in template.fields.items():
            if name not in ("title", "date"):
                setattr(page, name, value)
        page.date = day
        _vary(page, kind, day=day, place=place, rng=rng)
        specifics.append(page)
        extras.append((template, place))

    # One INSERT per section for the tree rows; their primary keys come back on PostgreSQL and SQLite.
    page_fields = [f.attname for f in Page._meta.concrete_fields if f.attname != "id"]
    rows = Page.objects.bulk_create(
        [
            Page(
                content_type_id=_content_type_id(model),
                **{n: getattr(p, n) for n in page_fields if n != "content_type_id"},
            )
            for p in specifics
        ],
        batch_size=500,
    )
    for page, row in zip(specifics, rows, strict=True):
        page.pk = page.page_ptr_id = row.pk
        page.id = row.pk
        page.save_base(raw=True, force_insert=True)
    _relations_create(model, kind, specifics, extras, names=names)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(specifics))
    return len(specifics)


def _content_type_id(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def _vary(page, kind: str, *, day: date, place: Municipality, rng: random.Random) -> None:
    """Make the type-specific facts of a generated page fit its date and place."""
    if kind == "good_practice":
        page.municipality_id = place.pk
        page.established = day - timedelta(days=rng.randrange(30, 700))
    elif kind == "legal_interpretation":
        page.issued = page.law_as_at = day
        page.superseded_by = None
        page.status = "current"
    elif kind == "event":
        # Spread events from two years back to one year ahead so both upcoming and past lists are full.
        start_day = timezone.localdate() + timedelta(days=rng.randrange(-730, 365))
        page.date = start_day
        page.start = datetime.combine(start_day, time(rng.choice((9, 10, 11, 13))), tzinfo=WARSAW)
        page.end = page.start + timedelta(hours=rng.choice((2, 3, 6)))
        page.registration_deadline = None
        if page.mode != "online":
            page.venue = f"Urząd Gminy {place.name}, sala konferencyjna"


def _relations_create(model, kind, pages, extras, *, names: _Names) -> None:
    m2m = []
    for name, target in (("topics", Topic), ("audience", Audience), ("services", SocialService)):
        if not any(f.name == name for f in model._meta.get_fields()):
            continue
        m2m_field = model._meta.get_field(name)
        through = m2m_field.remote_field.through
        source, dest = m2m_field.m2m_field_name(), m2m_field.m2m_reverse_field_name()
        rows = []
        for page, (template, _place) in zip(pages, extras, strict=True):
            values = template.topics if name == "topics" else template.relations.get(name, [])
            for target_id in dict.fromkeys(names.ids(target, values)):
                rows.append(through(**{f"{source}_id": page.pk, f"{dest}_id": target_id}))
        m2m.append((through, rows))
    for through, rows in m2m:
        through.objects.bulk_create(rows, batch_size=2000)

    children = []
    for page, (template, _place) in zip(pages, extras, strict=True):
        rel = template.relations
        if model is GoodPracticePage:
            children += [
                GoodPracticePartner(page_id=page.pk, sort_order=i, **p) for i, p in enumerate(rel["partners"])
            ]
        elif model is LegalInterpretationPage:
            children += [
                LegalReference(
                    page_id=page.pk,
                    sort_order=i,
                    act=ref["act"] or ACT_CUS,
                    article=ref["article"],
                    paragraph=ref["paragraph"],
                    point=ref["point"],
                )
                for i, ref in enumerate(rel["legal_basis"])
            ]
            children += [
                InterpretationChange(page_id=page.pk, sort_order=i, **change)
                for i, change in enumerate(rel["changes"])
            ]
        elif model is EventPage:
            children += [
                EventProgrammeItem(page_id=page.pk, sort_order=i, **entry)
                for i, entry in enumerate(rel["programme"])
            ]
    by_model: dict = {}
    for child in children:
        by_model.setdefault(type(child), []).append(child)
    for child_model, rows in by_model.items():
        child_model.objects.bulk_create(rows, batch_size=2000)


def _cases_create(target: int, *, rng: random.Random) -> int:
    """Bulk-create cases with valid numbers, statuses and assignment history, spread over the advisers."""
    from consultations.choices import Category, Status
    from consultations.models import Adviser, Assignment, Consultation, Official, PrivacyClause

    missing = target - generated_cases().count()
    if missing <= 0:
        return 0
    advisers = list(Adviser.objects.select_related("user").order_by("pk"))
    clause = PrivacyClause.objects.order_by("-published_at").first()
    if not advisers or clause is None:
        raise RuntimeError("the desk has no advisers or privacy clause yet: run load_demo first")
    officials = list(Official.objects.filter(status="active").select_related("user"))
    municipalities = [o.municipality_id for o in officials] + [m.pk for m in _municipalities()]
    requesters = {o.municipality_id: o.user_id for o in officials}
    topic_ids = list(Topic.objects.values_list("pk", flat=True)[:20])
    now = timezone.now()
    # (status, share): most cases in a long-running desk are closed; a steady share is still open.
    mix = [
        (Status.CLOSED, 55),
        (Status.ANSWERED, 10),
        (Status.IN_PROGRESS, 12),
        (Status.ASSIGNED, 10),
        (Status.AWAITING_INFO, 5),
        (Status.SUBMITTED, 3),
        (Status.REOPENED, 2),
        (Status.WITHDRAWN, 2),
        (Status.REJECTED, 1),
    ]
    statuses, weights = zip(*mix, strict=True)
    next_sequence: dict[int, int] = {}
    cases, histories = [], []
    for _ in range(missing):
        submitted = now - timedelta(days=rng.randrange(0, 3 * 365), minutes=rng.randrange(0, 1440))
        year = timezone.localtime(submitted).year
        if year not in next_sequence:
            top = Consultation.objects.filter(year=year).aggregate(top=Max("sequence"))["top"] or 0
            next_sequence[year] = top + 1
        sequence = next_sequence[year]
        next_sequence[year] += 1
        status = rng.choices(statuses, weights)[0]
        adviser = rng.choice(advisers)
        municipality = rng.choice(municipalities)
        category = Category.LEGAL if adviser.role == "lawyer" else rng.choice(list(Category)[1:])
        answered = status in (Status.ANSWERED, Status.CLOSED, Status.REOPENED)
        case = Consultation(
            year=year,
            sequence=sequence,
            number=f"KONS/{year}/{sequence:05d}",
            municipality_id=municipality,
            requester_id=requesters.get(municipality),
            category=category,
            title=rng.choice(CASE_TITLES),
            question=CASE_QUESTION,
            provisions=f"{SCALE_CASE_MARK} art. {rng.randrange(2, 40)} ustawy o CUS",
            privacy_clause=clause,
            status=status,
            assignee=None if status == Status.SUBMITTED else adviser,
            submitted_at=submitted,
            due_date=timezone.localtime(submitted).date() + timedelta(days=20),
            paused_at=submitted + timedelta(days=3) if status == Status.AWAITING_INFO else None,
            answered_at=submitted + timedelta(days=rng.randrange(3, 19)) if answered else None,
            answered_by=adviser if answered else None,
            answer="<p>Odpowiedź na pytanie gminy.</p>" if answered else "",
            closed_at=submitted + timedelta(days=30) if status == Status.CLOSED else None,
        )
        cases.append(case)
        histories.append((case, adviser, submitted))
    Consultation.objects.bulk_create(cases, batch_size=1000)
    assignments, topic_rows = [], []
    Topics = Consultation.topics.through
    for case, adviser, submitted in histories:
        if case.status == Status.SUBMITTED:
            continue
        # One case in ten went to someone else first and was reassigned: the list must still show it there.
        if rng.random() < 0.1:
            first = rng.choice(advisers)
            assignments.append(
                Assignment(consultation=case, adviser=first, reason="routing", created_at=submitted)
            )
        assignments.append(
            Assignment(
                consultation=case,
                adviser=adviser,
                reason="routing",
                created_at=submitted + timedelta(hours=1),
            )
        )
        if topic_ids:
            topic_rows.append(Topics(consultation_id=case.pk, topic_id=rng.choice(topic_ids)))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    Topics.objects.bulk_create(topic_rows, batch_size=2000)
    return len(cases)
