"""Factories for test data; pages are created published under their section unless told otherwise."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from knowledge import models as km

WARSAW = ZoneInfo("Europe/Warsaw")
# The year of the events the tests make: always ahead of the real clock, so their registration is open
# whenever the suite runs. Tests that bring their own clock build it from the same year.
EVENT_YEAR = dt.date.today().year + 2


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.pl")
    first_name = "Anna"
    last_name = "Nowak"
    is_staff = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "haslo-testowe")
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = km.Topic
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"temat {n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = km.Municipality

    name = factory.Sequence(lambda n: f"Gmina {n}")
    kind = "rural"
    voivodeship = "lubelskie"
    population = 8000


def paragraph(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


class PageMaker:
    """Creates published pages of each type with sensible defaults; keyword arguments override fields."""

    def __init__(self, sections):
        self.sections = sections
        self._n = 0

    def _add(self, model, index_model, fields, topics=(), publish=True, **relations):
        self._n += 1
        fields.setdefault("title", f"{model._meta.verbose_name} {self._n}")
        fields.setdefault("slug", f"{model.__name__.lower()}-{self._n}")
        fields.setdefault("summary", f"Streszczenie {self._n}")
        page = model(**fields)
        for name, value in relations.items():
            setattr(page, name, value)
        self.sections[index_model].add_child(instance=page)
        if topics:
            page.topics.set(topics)
        revision = page.save_revision()
        if publish:
            revision.publish()
        else:
            page.unpublish() if page.live else None
        page.refresh_from_db()
        return page

    def training(self, topics=(), audience=(), publish=True, **fields):
        fields.setdefault("format", "guide")
        fields.setdefault("body", paragraph("Treść materiału szkoleniowego."))
        page = self._add(km.TrainingMaterialPage, km.TrainingIndexPage, fields, topics, publish)
        if audience:
            page.audience.set(audience)
            page.save_revision().publish()
        return page

    def good_practice(self, topics=(), **fields):
        fields.setdefault("body", paragraph("Opis dobrej praktyki."))
        return self._add(km.GoodPracticePage, km.GoodPracticeIndexPage, fields, topics)

    def interpretation(self, topics=(), legal_basis=(("30", "1", ""),), **fields):
        fields.setdefault("question", "<p>Czy gmina może…?</p>")
        fields.setdefault("answer", paragraph("Tak, na podstawie przepisów ustawy."))
        fields.setdefault("issued", dt.date(2024, 3, 1))
        fields.setdefault("law_as_at", dt.date(2024, 3, 1))
        fields.setdefault("author", "radca prawny Obserwatorium")
        refs = [km.LegalReference(article=a, paragraph=p, point=pt) for a, p, pt in legal_basis]
        return self._add(
            km.LegalInterpretationPage, km.InterpretationIndexPage, fields, topics, legal_basis=refs
        )

    def explanation(self, topics=(), **fields):
        fields.setdefault("body", paragraph("Wyjaśnienie."))
        return self._add(km.ExplanationPage, km.ExplanationIndexPage, fields, topics)

    def news(self, topics=(), **fields):
        fields.setdefault("body", paragraph("Wiadomość."))
        return self._add(km.NewsPage, km.NewsIndexPage, fields, topics)

    def event(self, topics=(), **fields):
        fields.setdefault("start", dt.datetime(EVENT_YEAR, 3, 10, 10, 0, tzinfo=WARSAW))
        fields.setdefault("end", dt.datetime(EVENT_YEAR, 3, 10, 13, 0, tzinfo=WARSAW))
        fields.setdefault("organiser", "ROPS w Opolu")
        fields.setdefault("venue", "Opole, ul. Przykładowa 1")
        return self._add(km.EventPage, km.EventIndexPage, fields, topics)


class OfficialFactory(factory.django.DjangoModelFactory):
    """An active municipal official whose login is their e-mail address."""

    class Meta:
        model = "consultations.Official"

    user = factory.SubFactory(
        UserFactory,
        username=factory.Sequence(lambda n: f"urzednik{n}@gmina.example.pl"),
        email=factory.LazyAttribute(lambda u: u.username),
        is_staff=False,
    )
    municipality = factory.SubFactory(MunicipalityFactory)
    position = "inspektor"
    status = "active"
