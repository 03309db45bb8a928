"""Many people registering at the same instant: the event's row lock keeps every rule (PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections

from knowledge.choices import RegistrationStatus
from knowledge.models import Registration

from .conftest import CommittingClient, form_data

PARALLEL = 20


def post_at_once(url, payloads):
    """POST each payload from its own thread, client and database connection, all released together."""
    barrier = threading.Barrier(len(payloads))
    codes = [None] * len(payloads)

    def run(index, data):
        try:
            client = CommittingClient()
            barrier.wait()
            codes[index] = client.post(url, data).status_code
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return codes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestSimultaneousRegistrations:
    @pytest.fixture(autouse=True)
    def _no_rate_limit(self, settings):
        # Every thread posts from 127.0.0.1; the per-client limit is tested elsewhere.
        settings.EVENT_REGISTRATION_RATE = "1000/m"

    def test_capacity_is_never_exceeded(self, open_event, gogolin):
        event = open_event(capacity=5, waiting_list=False)
        codes = post_at_once(event.url + "rejestracja/", [form_data(gogolin, n) for n in range(PARALLEL)])
        assert sorted(codes) == [302] * 5 + [409] * (PARALLEL - 5)
        assert Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count() == 5

    def test_the_waiting_list_takes_everyone_beyond_capacity_in_order(self, open_event, gogolin):
        event = open_event(capacity=5)
        codes = post_at_once(event.url + "rejestracja/", [form_data(gogolin, n) for n in range(PARALLEL)])
        assert codes == [302] * PARALLEL
        rows = list(Registration.objects.filter(event=event).order_by("pk"))
        assert [r.status for r in rows].count(RegistrationStatus.CONFIRMED) == 5
        # Places went to the first five to take the lock (rows are inserted under it), nobody after them.
        first_waiting = next(i for i, r in enumerate(rows) if r.status == RegistrationStatus.WAITLISTED)
        assert all(r.status == RegistrationStatus.WAITLISTED for r in rows[first_waiting:])

    def test_one_address_sent_many_times_at_once_registers_once(self, open_event, gogolin):
        event = open_event()
        same = [form_data(gogolin, n, email="jeden@gmina.example.pl") for n in range(10)]
        codes = post_at_once(event.url + "rejestracja/", same)
        assert sorted(codes) == [302] + [409] * 9
        assert Registration.objects.filter(event=event).count() == 1

    def test_municipality_limit_holds(self, open_event, gogolin):
        event = open_event(places_per_municipality=3)
        codes = post_at_once(event.url + "rejestracja/", [form_data(gogolin, n) for n in range(10)])
        assert codes.count(302) == 3
        assert Registration.objects.filter(event=event).count() == 3
