import datetime as dt

import pytest
from wagtail.models import Page

from knowledge import models as km
from portal.models import HomePage, StandardPage
from tests.factories import EVENT_YEAR, MunicipalityFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_training_material_shows_its_fields_and_attachment(client, make):
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    audience = km.Audience.objects.create(name="koordynatorzy IPUS")
    topic = TopicFactory(name="koordynator IPUS")
    page = make.training(
        title="Praca koordynatora IPUS",
        format="checklist",
        level="advanced",
        trainer="Zespół Obserwatorium",
        duration_minutes=90,
        topics=[topic],
        audience=[audience],
    )
    doc = Document(title="Lista kontrolna")
    doc.file.save("lista.pdf", ContentFile(b"%PDF-1.4 test" * 100), save=False)
    doc.save()
    page.attachments.add(km.TrainingMaterialDocument(document=doc, title="Pobierz listę"))
    page.save_revision().publish()

    html = client.get(page.url).content.decode()
    assert "<h1>Praca koordynatora IPUS</h1>" in html
    for text in (
        "lista kontrolna",
        "zaawansowany",
        "Zespół Obserwatorium",
        "90 minut",
        "koordynatorzy IPUS",
        "Treść materiału szkoleniowego.",
        "koordynator IPUS",
        "Pobierz listę",
        "PDF",
        "1,3",
    ):
        assert text in html, text


def test_good_practice_shows_municipality_and_figures(client, make):
    gogolin = MunicipalityFactory(
        name="Gogolin", kind="urban-rural", voivodeship="opolskie", population=11000
    )
    service = km.SocialService.objects.create(name="wsparcie wytchnieniowe")
    page = make.good_practice(
        title="CUS w Gogolinie",
        municipality=gogolin,
        established=dt.date(2021, 7, 9),
        creation_mode="ops_transformation",
        funding="eu_project",
        funding_note="pilotaż PO WER",
        posts_created=12,
        people_served=1500,
        worked="<p>Wspólna diagnoza potrzeb.</p>",
        pitfalls="<p>Za mało czasu na rekrutację.</p>",
        contact="CUS Gogolin",
    )
    page.services.set([service])
    page.partners.add(km.GoodPracticePartner(name="Stowarzyszenie Razem", kind="ngo"))
    page.save_revision().publish()

    html = client.get(page.url).content.decode()
    for text in (
        "Gogolin",
        "gmina miejsko-wiejska",
        "opolskie",
        "9 lipca 2021",
        "przekształcenie ośrodka pomocy",
        "pilotaż PO WER",
        "12",
        "1\xa0500",
        "Wspólna diagnoza potrzeb.",
        "Za mało czasu na rekrutację.",
        "Stowarzyszenie Razem",
        "wsparcie wytchnieniowe",
    ):
        assert text in html, text


def test_legal_interpretation_shows_basis_status_and_notice(client, make):
    page = make.interpretation(
        title="Kwalifikacje koordynatora IPUS",
        legal_basis=[("30", "2", "1")],
        law_as_at=dt.date(2025, 1, 1),
        review_date=dt.date(2026, 6, 1),
    )
    page.changes.add(km.InterpretationChange(date=dt.date(2025, 2, 1), text="Uzupełniono o nowelizację."))
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert (
        "art. 30 ust. 2 pkt 1 ustawy o realizowaniu usług społecznych przez centrum usług społecznych" in html
    )
    assert "1 stycznia 2025" in html  # law as at
    assert "Uzupełniono o nowelizację." in html
    assert "nie jest poradą prawną" in html
    assert "banner--warning" not in html


def test_superseded_interpretation_points_to_the_current_one(client, make):
    newer = make.interpretation(title="Stanowisko aktualne")
    older = make.interpretation(title="Stanowisko dawne", status="superseded", superseded_by=newer)
    html = client.get(older.url).content.decode()
    assert "banner--warning" in html
    assert "zastąpiona" in html
    assert f'href="{newer.url}"' in html
    # The current one carries no banner.
    assert "banner--warning" not in client.get(newer.url).content.decode()


def test_outdated_interpretation_has_a_banner(client, make):
    page = make.interpretation(status="outdated", law_as_at=dt.date(2020, 5, 1))
    html = client.get(page.url).content.decode()
    assert "banner--warning" in html and "nieaktualna" in html and "1 maja 2020" in html


def test_superseded_needs_a_successor():
    page = km.LegalInterpretationPage(title="x", status="superseded")
    with pytest.raises(Exception) as exc:
        page.clean()
    assert "superseded_by" in str(exc.value)


def test_event_shows_time_in_warsaw_and_programme(client, make):
    page = make.event(
        title="Spotkanie informacyjne", mode="hybrid", online_url="https://spotkania.example.org/x"
    )
    page.programme.add(km.EventProgrammeItem(time="10:00", item="Powitanie uczestników"))
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert f"10 marca {EVENT_YEAR}, 10:00" in html and "13:00" in html
    assert "Powitanie uczestników" in html
    assert "hybrydowe" in html and "https://spotkania.example.org/x" in html


def test_online_event_needs_a_link():
    page = km.EventPage(
        title="x",
        mode="online",
        start=dt.datetime(EVENT_YEAR, 1, 1, tzinfo=dt.UTC),
        end=dt.datetime(EVENT_YEAR, 1, 1, 1, tzinfo=dt.UTC),
    )
    with pytest.raises(Exception) as exc:
        page.clean()
    assert "online_url" in str(exc.value)


def test_news_and_explanation_render(client, make):
    news = make.news(title="Otwarcie Obserwatorium", date=dt.date(2021, 9, 16))
    explanation = make.explanation(title="Czym jest CUS", author="Zespół")
    assert "16 września 2021" in client.get(news.url).content.decode()
    assert "Zespół" in client.get(explanation.url).content.decode()


def test_every_page_type_is_served(client, make, site):
    pages = [
        make.training(),
        make.good_practice(),
        make.interpretation(),
        make.explanation(),
        make.news(),
        make.event(),
    ]
    urls = [p.url for p in pages] + [s.url for s in site.sections.values()] + [site.home.url]
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "child, parent, allowed",
    [
        (km.TrainingMaterialPage, km.TrainingIndexPage, True),
        (km.TrainingMaterialPage, km.NewsIndexPage, False),
        (km.LegalInterpretationPage, km.InterpretationIndexPage, True),
        (km.LegalInterpretationPage, HomePage, False),
        (km.GoodPracticePage, km.GoodPracticeIndexPage, True),
        (km.EventPage, km.EventIndexPage, True),
        (km.EventPage, km.TrainingIndexPage, False),
        (km.TrainingIndexPage, HomePage, True),
        (km.TrainingIndexPage, km.TrainingIndexPage, False),
        (StandardPage, HomePage, True),
        (km.NewsPage, km.NewsPage, False),
    ],
)
def test_parent_child_rules(child, parent, allowed):
    assert child.can_create_at(parent()) is allowed or (not allowed and not child.can_exist_under(parent()))
    assert child.can_exist_under(parent()) is allowed


def test_sections_exist_once(site):
    assert not km.TrainingIndexPage.can_create_at(site.home)  # max_count = 1
    assert Page.objects.type(km.TrainingIndexPage).count() == 1
