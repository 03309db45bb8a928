import datetime as dt
import time

import pytest
from django.test import Client, TestCase

from knowledge.registration import Registrant
from portal.spam import started_token
from tests.factories import EVENT_YEAR, WARSAW, MunicipalityFactory

CLAUSE = "Administratorem danych jest organizator spotkania. Dane przetwarzamy w celu rejestracji."
# The clock of the service tests: a fortnight before the page maker's default event (10 March, EVENT_YEAR).
NOW = dt.datetime(EVENT_YEAR, 2, 24, 12, 0, tzinfo=WARSAW)


class CommittingClient(Client):
    """Runs the on-commit callbacks of each request when it ends, as a real commit would."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client():
    return CommittingClient()


@pytest.fixture
def english(client, settings):
    """Tests that read messages ask for the English interface (language cookie); the catalogue is separate."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def gogolin(db):
    return MunicipalityFactory(name="Gogolin", voivodeship="opolskie")


@pytest.fixture
def open_event(make):
    """Builds a published event with registration open; keyword arguments override its fields."""

    def build(**fields):
        fields.setdefault("registration_enabled", True)
        fields.setdefault("privacy_clause", CLAUSE)
        fields.setdefault("registration_deadline", dt.datetime(EVENT_YEAR, 3, 5, 23, 59, tzinfo=WARSAW))
        return make.event(**fields)

    return build


def person(municipality, n=1, **overrides) -> Registrant:
    values = {
        "first_name": "Anna",
        "last_name": f"Kowalska {n}",
        "institution": "Ośrodek Pomocy Społecznej",
        "position": "kierowniczka",
        "municipality": municipality,
        "email": f"osoba{n}@gmina.example.pl",
    }
    values.update(overrides)
    return Registrant(**values)


def form_data(municipality, n=1, **overrides) -> dict:
    data = {
        "first_name": "Anna",
        "last_name": f"Kowalska {n}",
        "institution": "Ośrodek Pomocy Społecznej",
        "position": "kierowniczka",
        "municipality": municipality.pk,
        "email": f"osoba{n}@gmina.example.pl",
        "phone": "",
        "accessibility_needs": "",
        "consent": "on",
        "website": "",
        # Shown a minute ago: a person, not a bot posting at once.
        "started": started_token("knowledge.registration.started", time.time() - 60),
    }
    data.update(overrides)
    return data
