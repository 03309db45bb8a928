"""Listing filters for the section index pages; every value lives in the query string."""

import django_filters
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knowledge.choices import (
    CreationMode,
    EventMode,
    Funding,
    InterpretationStatus,
    MaterialFormat,
    MaterialLevel,
    MunicipalityKind,
    Voivodeship,
)
from knowledge.models import Audience, Topic

SORT_CHOICES = [("-date", _("newest first")), ("date", _("oldest first")), ("title", _("title A–Z"))]


FIRST_YEAR = 2019  # the Act on social-services centres dates from 19 July 2019


CHOICES_CACHE_KEY = "knowledge:choices:{label}"


def _slug_choices(model):
    # Cached until the vocabulary changes (see knowledge.apps); validating a slug then needs no query.
    def load():
        return cache.get_or_set(
            CHOICES_CACHE_KEY.format(label=model._meta.label_lower),
            lambda: list(model.objects.values_list("slug", "name")),
            3600,
        )

    return load


def _years():
    return [(str(y), str(y)) for y in range(timezone.localdate().year + 1, FIRST_YEAR - 1, -1)]


class KnowledgeFilter(django_filters.FilterSet):
    topic = django_filters.ChoiceFilter(
        field_name="topics__slug", choices=_slug_choices(Topic), label=_("Topic"), empty_label=_("all topics")
    )
    year = django_filters.ChoiceFilter(
        field_name="date__year", label=_("Year"), empty_label=_("any year"), choices=_years
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="apply_sort", label=_("Sort by"), empty_label=None, null_label=None
    )

    class Meta:
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluate choice callables once per request: validation and rendering then share the list.
        for f in self.filters.values():
            if callable(f.extra.get("choices")):
                f.extra["choices"] = list(f.extra["choices"]())

    def apply_sort(self, queryset, name, value):
        return queryset.order_by(value, "-pk") if value else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*self.default_order)
        return queryset

    default_order = ("-date", "-pk")


class TrainingFilter(KnowledgeFilter):
    format = django_filters.ChoiceFilter(
        choices=MaterialFormat.choices, label=_("Format"), empty_label=_("any")
    )
    audience = django_filters.ChoiceFilter(
        field_name="audience__slug",
        choices=_slug_choices(Audience),
        label=_("Audience"),
        empty_label=_("everyone"),
    )
    level = django_filters.ChoiceFilter(choices=MaterialLevel.choices, label=_("Level"), empty_label=_("any"))


class GoodPracticeFilter(KnowledgeFilter):
    voivodeship = django_filters.ChoiceFilter(
        field_name="municipality__voivodeship",
        choices=Voivodeship.choices,
        label=_("Voivodeship"),
        empty_label=_("all voivodeships"),
    )
    municipality_type = django_filters.ChoiceFilter(
        field_name="municipality__kind",
        choices=MunicipalityKind.choices,
        label=_("Municipality type"),
        empty_label=_("any"),
    )
    creation_mode = django_filters.ChoiceFilter(
        choices=CreationMode.choices, label=_("Mode of creation"), empty_label=_("any")
    )
    funding = django_filters.ChoiceFilter(choices=Funding.choices, label=_("Funding"), empty_label=_("any"))


class InterpretationFilter(KnowledgeFilter):
    status = django_filters.ChoiceFilter(
        choices=InterpretationStatus.choices, label=_("Legal status"), empty_label=_("any")
    )


class EventFilter(KnowledgeFilter):
    when = django_filters.ChoiceFilter(
        choices=[("upcoming", _("upcoming")), ("past", _("past"))],
        method="filter_when",
        label=_("When"),
        empty_label=_("all"),
    )
    mode = django_filters.ChoiceFilter(choices=EventMode.choices, label=_("Form"), empty_label=_("any"))
    audience = django_filters.ChoiceFilter(
        field_name="audience__slug",
        choices=_slug_choices(Audience),
        label=_("Audience"),
        empty_label=_("everyone"),
    )

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(end__gte=now)
        if value == "past":
            return queryset.filter(end__lt=now)
        return queryset
