"""Demo people and cases of the consultation desk, one case in every status; safe to run twice."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from consultations import services
from consultations.choices import OfficialStatus, Role
from consultations.models import (
    Absence,
    Adviser,
    AnswerTemplate,
    Consultation,
    Official,
    PrivacyClause,
    VerifiedDomain,
)
from knowledge.models import Municipality, Topic

DEMO_PASSWORD = "demo-haslo"

STAFF = [
    # username, first name, last name, role, specialisation topic names, voivodeship
    (
        "prawnik",
        "Paweł",
        "Radcowski",
        Role.LAWYER,
        ["Podstawy prawne", "Przekształcenie OPS w CUS"],
        "lubelskie",
    ),
    ("prawniczka", "Marta", "Ustawna", Role.LAWYER, ["Zamówienia i zlecanie usług"], "opolskie"),
    (
        "ekspert",
        "Ewa",
        "Usługowa",
        Role.EXPERT,
        ["Program usług społecznych", "Organizacja CUS"],
        "lubelskie",
    ),
    ("ekspertka", "Joanna", "Planowa", Role.EXPERT, ["Finansowanie"], "małopolskie"),
]

OFFICIALS = [
    # username, first, last, municipality, position
    ("urzednik.gogolin", "Grzegorz", "Gogoliński", "Gogolin", "kierownik OPS"),
    ("urzednik.tarnow", "Teresa", "Tarnowska", "Tarnów", "zastępca dyrektora MOPS"),
    ("urzedniczka.trzcianka", "Alicja", "Nadnotecka", "Trzcianka", "specjalista ds. usług społecznych"),
]

TEMPLATES = [
    (
        "Odpowiedź prawna – schemat",
        "legal",
        "Stan faktyczny:\n…\n\nPodstawa prawna:\n…\n\nOdpowiedź:\n…\n\n"
        "Odpowiedź ma charakter informacyjny i nie wiąże organów gminy.",
    ),
    (
        "Prośba o dokumenty",
        "",
        "Aby odpowiedzieć na pytanie, potrzebujemy projektu uchwały oraz aktualnego regulaminu organizacyjnego "
        "ośrodka. Prosimy o dołączenie ich w odpowiedzi.",
    ),
]

CASES = [
    # key, requester, category, title, question, days ago
    (
        "closed",
        "urzednik.gogolin",
        "legal",
        "Czy uchwała o przekształceniu OPS w CUS wymaga konsultacji społecznych?",
        "Rada Gminy Gogolin przygotowuje uchwałę o przekształceniu ośrodka pomocy społecznej w centrum usług "
        "społecznych. Czy projekt musi przejść konsultacje z organizacjami pozarządowymi?",
        60,
    ),
    (
        "answered",
        "urzednik.tarnow",
        "services",
        "Jak ująć usługi opiekuńcze w programie usług społecznych?",
        "Przygotowujemy program usług społecznych na lata 2027–2028. Czy usługi opiekuńcze finansowane z "
        "ustawy o pomocy społecznej powinny się w nim znaleźć, skoro już je realizujemy?",
        9,
    ),
    (
        "awaiting",
        "urzednik.gogolin",
        "financing",
        "Czy koszt koordynatora indywidualnych planów usług można sfinansować z funduszy unijnych?",
        "Planujemy zatrudnić koordynatora IPUS. Czy jego wynagrodzenie może być kosztem projektu z programu "
        "regionalnego i jak to rozliczyć w budżecie gminy?",
        6,
    ),
    (
        "in_progress",
        "urzedniczka.trzcianka",
        "organisation",
        "Jak zorganizować zespół do spraw programu usług społecznych w małej gminie?",
        "W ośrodku pracuje osiem osób. Czy organizator usług społecznych może jednocześnie kierować zespołem "
        "do spraw programu?",
        4,
    ),
    (
        "assigned",
        "urzednik.tarnow",
        "legal",
        "Czy CUS może zlecić prowadzenie klubu seniora spółdzielni socjalnej bez przetargu?",
        "Chcemy powierzyć prowadzenie klubu seniora spółdzielni socjalnej. Czy można zastosować art. 11 ustawy "
        "o CUS i jakie dokumenty przygotować?",
        1,
    ),
    (
        "reopened",
        "urzednik.gogolin",
        "cooperation",
        "Jak rozliczać usługi świadczone przez organizacje pozarządowe w ramach CUS?",
        "Organizacje prowadzą dla nas usługi asystenckie. Jak dokumentować ich realizację w rocznym "
        "sprawozdaniu CUS?",
        12,
    ),
    (
        "withdrawn",
        "urzednik.tarnow",
        "other",
        "Termin składania sprawozdania z realizacji programu",
        "Do kiedy trzeba złożyć sprawozdanie z realizacji programu usług społecznych?",
        20,
    ),
    (
        "rejected",
        "urzedniczka.trzcianka",
        "other",
        "Podatek od nieruchomości budynku ośrodka",
        "Czy budynek, w którym będzie działać CUS, jest zwolniony z podatku od nieruchomości?",
        15,
    ),
    (
        "queued",
        "urzedniczka.trzcianka",
        "legal",
        "Czy dyrektor CUS może być jednocześnie kierownikiem OPS w okresie przejściowym?",
        "Gmina tworzy CUS obok dotychczasowego ośrodka. Czy ta sama osoba może kierować obiema jednostkami do "
        "czasu zakończenia przekształcenia?",
        0,
    ),
]


def _user(username, first, last, *, email=None, staff=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": email or f"{username}@obserwatorium-cus.example",
            "is_staff": staff,
        },
    )
    if created:
        if settings.PORTAL_DEMO_PASSWORDS:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
    return user


def _municipality(name: str) -> Municipality:
    municipality = Municipality.objects.filter(name=name).first()
    if municipality is None:
        municipality = Municipality.objects.create(name=name, voivodeship="wielkopolskie", kind="urban-rural")
    return municipality


def desk_demo_load(*, now=None) -> dict:
    """Advisers, a coordinator, officials of three municipalities and nine cases, one in every status."""
    now = now or timezone.now()
    coordinator = _user("koordynator", "Katarzyna", "Koordynacyjna", staff=True)
    coordinator.groups.add(Group.objects.get(name="Coordinators"))
    advisers = {}
    for username, first, last, role, topic_names, voivodeship in STAFF:
        user = _user(username, first, last, staff=True)
        user.groups.add(Group.objects.get(name="Legal reviewers" if role == Role.LAWYER else "Experts"))
        adviser, _ = Adviser.objects.get_or_create(
            user=user, defaults={"role": role, "voivodeship": voivodeship}
        )
        topics = [Topic.objects.get_or_create(name=name)[0] for name in topic_names]
        adviser.specialisations.add(*topics)
        advisers[username] = adviser
    # Conflict of interest: the second lawyer used to work for Tarnów.
    advisers["prawniczka"].conflicts.add(_municipality("Tarnów"))
    today = timezone.localdate(now)
    if not Absence.objects.filter(adviser=advisers["ekspertka"]).exists():
        Absence.objects.create(
            adviser=advisers["ekspertka"],
            start=today - timedelta(days=3),
            end=today + timedelta(days=10),
            substitute=advisers["ekspert"],
        )
    officials = {}
    for username, first, last, municipality_name, position in OFFICIALS:
        user = _user(username, first, last)
        municipality = _municipality(municipality_name)
        Official.objects.get_or_create(
            user=user,
            defaults={
                "municipality": municipality,
                "position": position,
                "status": OfficialStatus.ACTIVE,
                "email_verified_at": now,
                "approved_at": now,
                "approved_by": coordinator,
            },
        )
        officials[username] = user
    VerifiedDomain.objects.get_or_create(
        domain="gogolin.pl", defaults={"municipality": _municipality("Gogolin")}
    )
    for title, category, body in TEMPLATES:
        AnswerTemplate.objects.get_or_create(title=title, defaults={"category": category, "body": body})

    created = 0
    if not Consultation.objects.exists():
        created = _cases(officials, advisers, coordinator, now=now)
    return {"cases": Consultation.objects.count(), "created": created}


def _cases(officials, advisers, coordinator, *, now) -> int:
    clause = PrivacyClause.objects.latest()
    by_key = {}
    for key, requester, category, title, question, days_ago in CASES:
        asked = now - timedelta(days=days_ago, hours=2)
        if key == "queued":
            # Everyone in the pool is away or conflicted today: the case waits for the coordinator.
            for adviser in Adviser.objects.filter(role=Role.LAWYER):
                Absence.objects.create(adviser=adviser, start=date.today(), end=date.today())
        by_key[key] = services.consultation_submit(
            requester=officials[requester],
            category=category,
            title=title,
            question=question,
            consent_publish=key in ("closed", "answered"),
            privacy_clause=clause,
            now=asked,
        )
        if key == "queued":
            Absence.objects.filter(start=date.today(), end=date.today(), substitute__isnull=True).delete()

    def act(key, fn, days_ago, **kwargs):
        case = Consultation.objects.get(pk=by_key[key].pk)
        actor = kwargs.pop("actor", None) or (case.assignee.user if case.assignee else coordinator)
        fn(consultation=case, actor=actor, now=now - timedelta(days=days_ago), **kwargs)

    s = services
    act(
        "closed",
        s.consultation_answer,
        50,
        body="<p>Ustawa z dnia 19 lipca 2019 r. o realizowaniu usług społecznych przez centrum usług społecznych "
        "nie nakłada obowiązku konsultacji projektu uchwały o przekształceniu. Obowiązek może jednak wynikać "
        "z uchwały gminy o zasadach konsultacji z organizacjami pozarządowymi – warto ją sprawdzić.</p>",
    )
    act("closed", s.consultation_accept, 48, actor=officials["urzednik.gogolin"])
    act(
        "closed",
        s.consultation_rate,
        0,
        actor=officials["urzednik.gogolin"],
        rating=5,
        comment="Jasno i szybko.",
    )
    act(
        "answered",
        s.consultation_answer,
        2,
        body="<p>Tak. Program usług społecznych obejmuje wszystkie usługi, które gmina zamierza realizować, "
        "także te już świadczone. Warto wskazać ich zakres, adresatów i sposób finansowania.</p>",
    )
    act("awaiting", s.consultation_start, 5)
    act(
        "awaiting",
        s.consultation_request_info,
        3,
        body="Prosimy o informację, z którego programu regionalnego gmina planuje pozyskać środki.",
    )
    act("in_progress", s.consultation_start, 3)
    act(
        "in_progress",
        s.consultation_message,
        2,
        body="Sprawdzić, czy gmina ma już regulamin zespołu.",
        internal=True,
    )
    act("reopened", s.consultation_answer, 8, body="<p>Realizację usług dokumentuje się w sprawozdaniu …</p>")
    act(
        "reopened",
        s.consultation_follow_up,
        1,
        actor=officials["urzednik.gogolin"],
        body="Czy to samo dotyczy usług zleconych w trybie art. 11?",
    )
    act("withdrawn", s.consultation_withdraw, 18, actor=officials["urzednik.tarnow"])
    act(
        "rejected",
        s.consultation_reject,
        14,
        reason="Pytanie dotyczy prawa podatkowego, którym punkt konsultacyjny się nie zajmuje. "
        "Właściwy jest urząd skarbowy.",
    )
    return len(CASES)
