"""Demo content for the development setup: pages, glossary, files and people. Idempotent."""

import io
import json
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from knowledge.importer import parse_lines, text_to_blocks
from knowledge.models import (
    EventDocument,
    EventPage,
    GlossaryTerm,
    GoodPracticeDocument,
    GoodPracticePage,
    NewsPage,
    TrainingMaterialDocument,
    TrainingMaterialPage,
)
from knowledge.services import content_import
from portal import demo_files
from portal.models import HomeFeatured, HomePage, PortalSettings, StandardPage
from portal.services import site_ensure

DEMO_DIR = Path(settings.BASE_DIR) / "knowledge" / "demo"
# The day the demo content describes: the events after it are upcoming, one of them open for registration and
# one full. Loaded later, those events move on by whole years of 52 weeks (the same weekday), so a new
# installation still shows them ahead of it.
DEMO_DAY = date(2026, 11, 24)
DEMO_YEAR = timedelta(weeks=52)
DEMO_PASSWORD = "demo-haslo"
DEMO_STAFF = [
    # username, first name, last name, group
    ("redaktor", "Ewa", "Redakcyjna", "Editors"),
    ("recenzent", "Jan", "Recenzent", "Legal reviewers"),
]

ACCESSIBILITY_STATEMENT = """## Wstęp
Obserwatorium Centrów Usług Społecznych zobowiązuje się zapewnić dostępność swojej strony internetowej zgodnie z ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych. Deklaracja dotyczy portalu wiedzy i desku konsultacyjnego Obserwatorium.

## Daty publikacji i aktualizacji
Data publikacji strony internetowej: 2021-09-16. Data ostatniej istotnej aktualizacji: 2026-11-01.

## Status pod względem zgodności z ustawą
Strona internetowa jest zgodna z ustawą o dostępności cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych, z wyjątkami wskazanymi poniżej.

## Treści niedostępne
- Część dokumentów PDF opublikowanych przed 2021 r. nie ma warstwy tekstowej; na prośbę przygotujemy wersję dostępną.
- Nagrania webinariów sprzed 2022 r. nie mają napisów; udostępniamy ich transkrypcje.

## Przygotowanie deklaracji dostępności
Deklarację sporządzono dnia 2026-11-01 na podstawie samooceny przeprowadzonej przez zespół Obserwatorium, z użyciem automatycznych testów (axe-core) i testów z klawiaturą oraz czytnikiem ekranu.

## Skróty klawiaturowe
Strona nie używa własnych skrótów klawiaturowych. Pierwsze naciśnięcie klawisza Tab pokazuje odnośnik „Przejdź do treści”.

## Informacje zwrotne i dane kontaktowe
W przypadku problemów z dostępnością strony prosimy o kontakt z koordynatorem do spraw dostępności pod adresem dostepnosc@obserwatorium-cus.example. Tą samą drogą można składać wnioski o udostępnienie informacji niedostępnej oraz żądania zapewnienia dostępności.

## Procedura wnioskowo-skargowa
Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności cyfrowej strony, jej elementu lub informacji. Żądanie powinno zawierać dane osoby zgłaszającej, wskazanie strony lub elementu oraz sposób kontaktu. Zrealizujemy je niezwłocznie, nie później niż w ciągu 7 dni; jeśli to niemożliwe, poinformujemy o terminie (nie dłuższym niż 2 miesiące) lub zaproponujemy alternatywny sposób dostępu. Po odmowie można złożyć skargę, a następnie zawiadomić Rzecznika Praw Obywatelskich.

## Dostępność architektoniczna
Siedziba Obserwatorium ma wejście bez progów, windę i toaletę dostosowaną do potrzeb osób z niepełnosprawnościami. Do budynku można wejść z psem asystującym. Na miejscu dostępna jest pętla indukcyjna."""

PRIVACY_NOTICE = """## Administrator danych
Administratorem danych osobowych przetwarzanych w portalu jest Obserwatorium Centrów Usług Społecznych (dane kontaktowe w stopce strony).

## Inspektor ochrony danych
Z inspektorem ochrony danych można się skontaktować pod adresem iod@obserwatorium-cus.example we wszystkich sprawach dotyczących przetwarzania danych osobowych.

## Cele i podstawy przetwarzania
- obsługa konsultacji prawnych i merytorycznych dla gmin – art. 6 ust. 1 lit. e RODO (zadanie realizowane w interesie publicznym);
- rejestracja na spotkania informacyjne i szkolenia – art. 6 ust. 1 lit. a i e RODO;
- publikacja zanonimizowanych odpowiedzi – wyłącznie za zgodą pytającego (art. 6 ust. 1 lit. a RODO).

## Odbiorcy danych
Dane mogą otrzymać wyłącznie podmioty przetwarzające je na nasze zlecenie (np. dostawca usług hostingowych) oraz organy uprawnione na podstawie przepisów prawa.

## Okres przechowywania
Dane z zamkniętych konsultacji anonimizujemy po 24 miesiącach, a dane uczestników wydarzeń – po upływie okresu wskazanego w ogłoszeniu wydarzenia.

## Prawa osób, których dane dotyczą
Przysługuje Pani/Panu prawo dostępu do danych, ich sprostowania, usunięcia lub ograniczenia przetwarzania, prawo wniesienia sprzeciwu, a w przypadku zgody – prawo jej cofnięcia w dowolnym momencie. Przysługuje także prawo wniesienia skargi do Prezesa Urzędu Ochrony Danych Osobowych."""

ASK_PAGE = """Obserwatorium oferuje gminom bezpłatne konsultacje z radcą prawnym i z ekspertem do spraw usług społecznych.

## Jak zadać pytanie
Zaloguj się na konto pracownika gminy i wypełnij [formularz pytania](/konsultacje/nowa/). Konto założysz na stronie [rejestracji](/konto/rejestracja/).

- Opisz sytuację gminy i pytanie możliwie konkretnie.
- Wskaż przepisy, których dotyczy pytanie, jeśli je znasz.
- Dołącz dokumenty, które pomogą w odpowiedzi (np. projekt uchwały).

## Kto odpowiada
Pytania prawne trafiają do radcy prawnego, pozostałe – do eksperta. Odpowiadamy w ciągu 14 dni roboczych (pytania prawne) lub 10 dni roboczych (pozostałe).

> Zanim zapytasz, sprawdź interpretacje prawne i dobre praktyki – być może odpowiedź już jest w bazie wiedzy."""


def _user(username, first_name, last_name, *, group=None, superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@obserwatorium-cus.example",
            "is_staff": True,
            "is_superuser": superuser,
        },
    )
    if created:
        if settings.PORTAL_DEMO_PASSWORDS:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _image(title: str, alt: str, data: bytes):
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        # ImageFile lets Wagtail read the width and height from the data.
        image = Image(
            title=title, description=alt, file=ImageFile(io.BytesIO(data), name=f"{slugify(title)}.png")
        )
        image.save()
    return image


def _document(title: str, filename: str, data: bytes):
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(filename, ContentFile(data), save=False)
        document.save()
    return document


def _attach(page, through_model, document, label=""):
    if not through_model.objects.filter(page=page, document=document).exists():
        page.attachments.add(through_model(document=document, title=label))
        page.save_revision().publish()


def _standard_page(home, slug, title, intro, text):
    page = StandardPage.objects.child_of(home).filter(slug=slug).first()
    if page is None:
        page = StandardPage(slug=slug, title=title)
        home.add_child(instance=page)
    page.intro = intro
    page.body = text_to_blocks(text)
    page.last_reviewed = timezone.localdate()
    page.save_revision().publish()
    return page


@transaction.atomic
def demo_load(*, content_file: Path | None = None, glossary_file: Path | None = None) -> dict:
    """Build the demo portal: structure, people, content, glossary, files, home page. Safe to run twice."""
    structure = site_ensure()
    home: HomePage = structure.home
    admin = _user("admin", "Administrator", "Portalu", superuser=True)
    editor = None
    for username, first, last, group in DEMO_STAFF:
        user = _user(username, first, last, group=group)
        editor = editor or user

    # The glossary first: search derives acronyms and synonyms from it while indexing the pages.
    terms = glossary_load(glossary_file)
    content_file = content_file or DEMO_DIR / "content.jsonl"
    with content_file.open(encoding="utf-8") as fh:
        items = parse_lines(fh)
    events_keep_ahead(items, today=timezone.localdate())
    result = content_import(items, user=editor, sections=structure.sections)

    _demo_files()
    _home_page(home, structure)
    settings_obj = PortalSettings.for_site(home.get_site())
    settings_obj.organisation = "Obserwatorium Centrów Usług Społecznych"
    settings_obj.address = "ul. Przykładowa 1\n20-001 Lublin"
    settings_obj.email = "kontakt@obserwatorium-cus.example"
    settings_obj.phone = "+48 81 000 00 00"
    settings_obj.accessibility_page = _standard_page(
        home,
        "deklaracja-dostepnosci",
        "Deklaracja dostępności",
        "Informacje o dostępności cyfrowej portalu Obserwatorium CUS.",
        ACCESSIBILITY_STATEMENT,
    )
    settings_obj.privacy_page = _standard_page(
        home,
        "ochrona-danych",
        "Ochrona danych osobowych (RODO)",
        "Jak przetwarzamy dane osobowe użytkowników portalu.",
        PRIVACY_NOTICE,
    )
    settings_obj.save()
    from consultations.demo import desk_demo_load

    desk = desk_demo_load()
    from knowledge.events_demo import events_demo_load

    events_demo_load()
    # Owners receive the review reminders, so every demo page belongs to the demo editor.
    for model in (TrainingMaterialPage, GoodPracticePage, NewsPage, EventPage):
        model.objects.filter(owner__isnull=True).update(owner=editor)
    return {
        "created": result.created,
        "updated": result.updated,
        "glossary": terms,
        "admin": admin.username,
        "cases": desk["cases"],
    }


def events_keep_ahead(items, *, today: date) -> None:
    """Move the events that were upcoming on the demo day forward until registration for them is still open.

    Each moves by whole 52-week years, so the weekday, the deadline before the start and the order of events
    stay as written; the year in the title and the online link follows. The page address stays, so loading the
    demo again updates the same page.
    """
    for item in items:
        fields = item.fields
        if item.type != "event" or fields["start"].date() <= DEMO_DAY:
            continue
        deadline = (fields.get("registration_deadline") or fields["start"]).date()
        years = 0
        while deadline + years * DEMO_YEAR < today:
            years += 1
        if not years:
            continue
        shift = years * DEMO_YEAR
        was, now = str(fields["start"].year), str((fields["start"] + shift).year)
        for name in ("start", "end", "registration_deadline"):
            if fields.get(name):
                fields[name] += shift
        fields["date"] = fields["start"].date()
        fields["title"] = fields["title"].replace(was, now)
        if fields.get("online_url"):
            fields["online_url"] = fields["online_url"].replace(was, now)


def glossary_load(glossary_file: Path | None = None) -> int:
    """Create or update the glossary terms (also the search's acronyms and synonyms)."""
    glossary_file = glossary_file or DEMO_DIR / "glossary.json"
    terms = json.loads(glossary_file.read_text(encoding="utf-8"))
    for entry in terms:
        GlossaryTerm.objects.update_or_create(
            term=entry["term"],
            defaults={
                "expansion": entry.get("expansion", ""),
                "definition": entry["definition"],
                "synonyms": "\n".join(entry.get("synonyms", [])),
            },
        )
    return len(terms)


def _demo_files():
    for page in TrainingMaterialPage.objects.all():
        doc = _document(
            f"{page.title} (PDF)",
            f"{page.slug}.pdf",
            demo_files.text_pdf(page.title, [page.summary, "Materiał szkoleniowy Obserwatorium CUS."]),
        )
        _attach(page, TrainingMaterialDocument, doc, "Pobierz materiał w formacie PDF")
    for page in EventPage.objects.all():
        programme = [f"{item.time} – {item.item}" for item in page.programme.all()] or [page.summary]
        doc = _document(
            f"Program: {page.title}", f"program-{page.slug}.pdf", demo_files.text_pdf(page.title, programme)
        )
        _attach(page, EventDocument, doc, "Program spotkania (PDF)")
    gogolin = GoodPracticePage.objects.filter(municipality__name="Gogolin").first()
    if gogolin is not None:
        doc = _document(
            "CUS w Gogolinie – kalendarium",
            "gogolin-kalendarium.pdf",
            demo_files.text_pdf(
                "CUS w Gogolinie – kalendarium",
                [
                    "2020: przystąpienie do pilotażu PO WER.",
                    "9 lipca 2021: otwarcie Centrum Usług Społecznych.",
                ],
            ),
        )
        _attach(gogolin, GoodPracticeDocument, doc, "Kalendarium tworzenia CUS (PDF)")
    news = NewsPage.objects.filter(date="2021-09-16").first()
    if news is not None and news.image_id is None:
        news.image = _image(
            "Otwarcie Obserwatorium CUS",
            "Grafika z napisem: Obserwatorium CUS otwarte, 16 września 2021",
            demo_files.banner_png("Obserwatorium CUS otwarte – 16.09.2021"),
        )
        news.image_alt = "Grafika z napisem: Obserwatorium CUS otwarte, 16 września 2021"
        news.save_revision().publish()


def _home_page(home: HomePage, structure):
    from knowledge.models import GoodPracticeIndexPage, InterpretationIndexPage, TrainingIndexPage

    sections = structure.sections
    ask = _standard_page(
        home,
        "zapytaj-eksperta",
        "Zapytaj eksperta",
        "Bezpłatne konsultacje prawne i merytoryczne dla gmin.",
        ASK_PAGE,
    )
    home.hero_title = "Wiedza i wsparcie dla gmin tworzących centra usług społecznych"
    home.hero_text = (
        "Materiały szkoleniowe, dobre praktyki gmin, interpretacje przepisów ustawy o CUS "
        "i bezpłatne konsultacje z prawnikiem oraz ekspertem."
    )
    home.entry_points = [
        (
            "entry",
            {
                "title": "Planuję utworzyć CUS",
                "page": sections[TrainingIndexPage],
                "text": "Krok po kroku: diagnoza potrzeb, uchwała rady gminy, przekształcenie OPS.",
            },
        ),
        (
            "entry",
            {
                "title": "Prowadzę CUS",
                "page": sections[GoodPracticeIndexPage],
                "text": "Dobre praktyki centrów, organizacja pracy, program usług społecznych.",
            },
        ),
        (
            "entry",
            {
                "title": "Jestem radnym",
                "page": sections[InterpretationIndexPage],
                "text": "Co rada gminy musi wiedzieć przed podjęciem uchwały o utworzeniu CUS.",
            },
        ),
    ]
    home.ask_title = "Nie znalazłeś odpowiedzi?"
    home.ask_text = (
        "Zadaj pytanie naszemu prawnikowi lub ekspertowi – odpowiemy w ciągu kilkunastu dni roboczych."
    )
    home.ask_page = ask
    featured = [
        GoodPracticePage.objects.filter(municipality__name="Gogolin").first(),
        GoodPracticePage.objects.filter(municipality__name="Tarnów").first(),
        TrainingMaterialPage.objects.live().order_by("-date").first(),
    ]
    home.featured = [HomeFeatured(page=p) for p in featured if p is not None]
    home.save_revision().publish()
