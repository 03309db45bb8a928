import pytest
from django.core.management import call_command
from wagtail.models import Page

from consultations.models import Consultation
from knowledge import models as km
from portal.demo_scale import generated_cases, generated_pages

pytestmark = pytest.mark.django_db


def test_scaling_fills_every_section_and_the_desk_runs_twice_and_clears(client):
    # One test: loading the demo underneath takes most of its time.
    call_command("demo_scale", pages=120, cases=60, no_reindex=True, verbosity=0)
    assert sum(m.objects.live().count() for m in km.KNOWLEDGE_PAGE_MODELS) == 120
    pages = Page.objects.count()
    call_command("demo_scale", pages=120, cases=60, no_reindex=True, verbosity=0)
    assert Page.objects.count() == pages

    assert all(not problems for problems in Page.find_problems())
    for model in km.KNOWLEDGE_PAGE_MODELS:
        page = model.objects.filter(pk__in=generated_pages().values("pk")).first()
        assert page is not None, model
        assert client.get(page.url).status_code == 200, page.url
    practice = km.GoodPracticePage.objects.filter(pk__in=generated_pages().values("pk")).first()
    assert practice.topics.exists() and practice.municipality.voivodeship

    assert generated_cases().count() == 60
    numbers = list(Consultation.objects.values_list("number", "year", "sequence"))
    assert all(number == f"KONS/{year}/{seq:05d}" for number, year, seq in numbers)
    assert client.login(username="prawnik", password="demo-haslo")
    html = client.get("/konsultacje/").content.decode()
    assert any(number in html for number, _year, _seq in numbers)

    demo_pages = Page.objects.exclude(pk__in=generated_pages().values("pk")).count()
    call_command("demo_scale", pages=0, fresh=True, no_reindex=True, verbosity=0)
    assert not generated_pages().exists() and not generated_cases().exists()
    assert Page.objects.count() == demo_pages
    assert all(not problems for problems in Page.find_problems())
