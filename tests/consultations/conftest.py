"""A small consultation desk: two municipalities with officials, a lawyer, an expert and a coordinator."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group

from consultations import services
from consultations.choices import OfficialStatus
from consultations.models import Adviser, Official, PrivacyClause
from tests.factories import WARSAW, MunicipalityFactory, TopicFactory, UserFactory

# A Tuesday with no holiday near it, so working-day arithmetic stays readable in tests.
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=WARSAW)
TUESDAY = MONDAY + dt.timedelta(days=1)


@dataclass
class Desk:
    gogolin: object
    tarnow: object
    official: object  # Gogolin
    colleague: object  # Gogolin too
    outsider: object  # Tarnów
    lawyer: object
    expert: object
    coordinator: object
    stranger: object  # signed in, no role
    topic: object
    clause: object
    extra_advisers: list = field(default_factory=list)

    def ask(self, *, category="legal", requester=None, now=TUESDAY, **kwargs):
        kwargs.setdefault("title", "Czy rada gminy może przekształcić OPS w CUS w trakcie roku budżetowego?")
        kwargs.setdefault("question", "Pytamy o tryb przekształcenia ośrodka pomocy społecznej w centrum.")
        return services.consultation_submit(
            requester=requester or self.official,
            category=category,
            privacy_clause=self.clause,
            now=now,
            **kwargs,
        )

    def adviser(self, role, username, **kwargs):
        user = UserFactory(username=username, first_name=username.capitalize(), last_name="Doradca")
        adviser = Adviser.objects.create(user=user, role=role, **kwargs)
        self.extra_advisers.append(adviser)
        return adviser


def make_official(username, municipality, status=OfficialStatus.ACTIVE):
    user = UserFactory(username=username, is_staff=False, first_name="Jan", last_name="Urzędnik")
    Official.objects.create(user=user, municipality=municipality, position="inspektor", status=status)
    return user


@pytest.fixture
def desk(db):
    gogolin = MunicipalityFactory(name="Gogolin", voivodeship="opolskie", kind="urban-rural")
    tarnow = MunicipalityFactory(name="Tarnów", voivodeship="małopolskie", kind="urban")
    topic = TopicFactory(name="Przekształcenie OPS w CUS")
    lawyer_user = UserFactory(username="prawnik", first_name="Piotr", last_name="Prawnik")
    expert_user = UserFactory(username="ekspert", first_name="Ewa", last_name="Ekspert")
    lawyer = Adviser.objects.create(user=lawyer_user, role="lawyer")
    expert = Adviser.objects.create(user=expert_user, role="expert")
    coordinator = UserFactory(username="koordynator", first_name="Kamila", last_name="Koordynator")
    coordinator.groups.add(Group.objects.get(name="Coordinators"))
    return Desk(
        gogolin=gogolin,
        tarnow=tarnow,
        official=make_official("urzednik.gogolin", gogolin),
        colleague=make_official("kolega.gogolin", gogolin),
        outsider=make_official("urzednik.tarnow", tarnow),
        lawyer=lawyer,
        expert=expert,
        coordinator=coordinator,
        stranger=UserFactory(username="ktos", is_staff=False),
        topic=topic,
        clause=PrivacyClause.objects.latest(),
    )
