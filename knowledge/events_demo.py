"""Demo registrations: the past ROPS Opole meeting, an upcoming forum open for registration, a full webinar.

Run from ``portal.demo.demo_load`` after the content import; safe to run again (rows are matched by address).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from knowledge.choices import QuestionKind, RegistrationApproval, RegistrationStatus
from knowledge.models import EventDocument, EventPage, EventQuestion, Municipality, Registration
from portal import demo_files

WARSAW = ZoneInfo("Europe/Warsaw")
ASCII = str.maketrans("ąćęłńóśźż", "acelnoszz")

CLAUSE_ROPS = (
    "Administratorem danych osobowych podanych w formularzu jest Regionalny Ośrodek Polityki Społecznej "
    "w Opolu. Dane przetwarzamy wyłącznie po to, aby przyjąć zgłoszenie, potwierdzić miejsce i przygotować "
    "listę obecności (art. 6 ust. 1 lit. a RODO). Podanie danych jest dobrowolne, ale bez nich nie możemy "
    "przyjąć zgłoszenia. Dane usuwamy 30 dni po spotkaniu; liczba uczestników z gmin zostaje w statystyce. "
    "Masz prawo dostępu do danych, ich sprostowania, usunięcia i wycofania zgody oraz prawo skargi do "
    "Prezesa Urzędu Ochrony Danych Osobowych."
)
CLAUSE_OBSERVATORY = (
    "Administratorem danych jest operator portalu Obserwatorium CUS. Imię, nazwisko, instytucję, stanowisko, "
    "gminę, adres e-mail, telefon i informacje o potrzebach dostępności przetwarzamy, aby zorganizować "
    "wydarzenie i kontaktować się z uczestnikami (art. 6 ust. 1 lit. a RODO). Dane osobowe usuwamy 30 dni po "
    "wydarzeniu. Zgodę można wycofać w każdej chwili, anulując zgłoszenie linkiem z wiadomości e-mail."
)

PEOPLE = [
    ("Joanna", "Wieczorek", "Gogolin", "Ośrodek Pomocy Społecznej w Gogolinie", "kierowniczka"),
    (
        "Tomasz",
        "Zawadzki",
        "Tarnów",
        "Miejski Ośrodek Pomocy Rodzinie w Tarnowie",
        "specjalista pracy socjalnej",
    ),
    ("Ewelina", "Mazur", "Trzcianka", "Urząd Miejski w Trzciance", "inspektorka ds. polityki społecznej"),
    ("Paweł", "Krawczyk", "Gogolin", "Centrum Usług Społecznych w Gogolinie", "koordynator IPUS"),
    ("Agnieszka", "Wróbel", "Tarnów", "Urząd Miasta Tarnowa", "naczelniczka wydziału"),
]


def _municipality(name: str) -> Municipality:
    municipality = Municipality.objects.filter(name=name).first()
    return municipality or Municipality.objects.create(name=name, voivodeship="opolskie", kind="urban-rural")


def _registrations(event: EventPage, statuses: list[str], *, registered_at: dt.datetime) -> None:
    people = zip(PEOPLE, statuses, strict=False)
    for n, ((first, last, town, institution, position), status) in enumerate(people):
        email = f"{first}.{last}@{town}.example.pl".lower().translate(ASCII)
        Registration.objects.get_or_create(
            event=event,
            email=email,
            defaults={
                "status": status,
                "first_name": first,
                "last_name": last,
                "institution": institution,
                "position": position,
                "municipality": _municipality(town),
                "privacy_clause": event.privacy_clause,
                "created_at": registered_at + dt.timedelta(hours=n),
                "answers": [{"question": q.label, "answer": ""} for q in event.questions.all()],
            },
        )


def _form_document(event: EventPage) -> None:
    title = "Formularz zgłoszeniowy z klauzulą RODO – spotkanie ROPS w Opolu"
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        pdf = demo_files.text_pdf(
            "Formularz zgłoszeniowy",
            [
                "Spotkanie informacyjne o tworzeniu centrów usług społecznych, Opole, 27 kwietnia 2023 r.",
                "Imię i nazwisko: ........................................",
                "Instytucja i stanowisko: ........................................",
                "Gmina: ........................................   Adres e-mail: ....................",
                "Potrzeby związane z dostępnością: ........................................",
                "Zapoznałam/em się z klauzulą informacyjną RODO i wyrażam zgodę na przetwarzanie danych.",
                "Data i podpis: ........................................",
            ],
        )
        document.file.save("formularz-rops-opole-2023.pdf", ContentFile(pdf), save=False)
        document.save()
    if not EventDocument.objects.filter(page=event, document=document).exists():
        event.attachments.add(EventDocument(document=document, title="Formularz zgłoszeniowy (PDF)"))


def events_demo_load() -> dict:
    """Registration settings, questions and registrations of three demo events; returns their titles."""
    loaded = {}
    rops = EventPage.objects.filter(slug="rops-opole-spotkanie-informacyjne-cus-2023").first()
    if rops is not None:
        # Past: registration closed on 20 April 2023; places confirmed by the organiser, by e-mail.
        rops.registration_enabled = True
        rops.registration_deadline = dt.datetime(2023, 4, 20, 23, 59, tzinfo=WARSAW)
        rops.capacity = 60
        rops.approval = RegistrationApproval.ORGANISER
        rops.waiting_list = True
        rops.privacy_clause = CLAUSE_ROPS
        _form_document(rops)
        rops.save_revision().publish()
        # Registrations of 2023 are long anonymised; only the numbers per municipality remain.
        for n, town in enumerate(["Gogolin", "Gogolin", "Tarnów"]):
            Registration.objects.get_or_create(
                event=rops,
                created_at=dt.datetime(2023, 4, 12 + n, 9, 0, tzinfo=WARSAW),
                defaults={
                    "status": RegistrationStatus.CONFIRMED,
                    "first_name": "",
                    "last_name": "",
                    "institution": "",
                    "position": "",
                    "email": "",
                    "municipality": _municipality(town),
                    "privacy_clause": CLAUSE_ROPS,
                    "anonymised_at": dt.datetime(2023, 5, 28, 3, 0, tzinfo=WARSAW),
                },
            )
        loaded["past"] = rops.title

    forum = EventPage.objects.filter(slug="forum-centrow-uslug-spolecznych-lublin-2027").first()
    if forum is not None:
        forum.registration_enabled = True
        forum.capacity = 80
        forum.places_per_municipality = 3
        forum.approval = RegistrationApproval.AUTOMATIC
        forum.waiting_list = True
        forum.privacy_clause = CLAUSE_OBSERVATORY
        forum.questions = [
            EventQuestion(
                label="W której sesji warsztatowej chcesz wziąć udział?",
                kind=QuestionKind.CHOICE,
                choices="programowanie usług\nwspółpraca z PES\norganizowanie społeczności",
                required=True,
            ),
            EventQuestion(label="Czy zostajesz na obiedzie?", kind=QuestionKind.YES_NO),
            EventQuestion(label="O co chcesz zapytać panelistów?", kind=QuestionKind.TEXT),
        ]
        forum.save_revision().publish()
        _registrations(
            forum,
            [RegistrationStatus.CONFIRMED] * 2,
            registered_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=WARSAW),
        )
        loaded["open"] = forum.title

    webinar = EventPage.objects.filter(slug="webinarium-ipus-w-praktyce-2027").first()
    if webinar is not None:
        # Full: three places taken, two people waiting for a free one.
        webinar.registration_enabled = True
        webinar.capacity = 3
        webinar.approval = RegistrationApproval.AUTOMATIC
        webinar.waiting_list = True
        webinar.privacy_clause = CLAUSE_OBSERVATORY
        webinar.save_revision().publish()
        _registrations(
            webinar,
            [RegistrationStatus.CONFIRMED] * 3 + [RegistrationStatus.WAITLISTED] * 2,
            registered_at=dt.datetime(2026, 11, 10, 8, 0, tzinfo=WARSAW),
        )
        loaded["full"] = webinar.title
    return loaded
