from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.choices import InterpretationStatus, MunicipalityKind, Voivodeship
from search.selectors import MAX_PAGE, TYPE_LABELS

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the portal"), required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    type = forms.ChoiceField(
        label=_("Content type"), required=False, choices=[("", "")] + list(TYPE_LABELS.items())
    )
    topic = forms.SlugField(label=_("Topic"), required=False, max_length=80)
    voivodeship = forms.ChoiceField(
        label=_("Voivodeship"), required=False, choices=[("", "")] + Voivodeship.choices
    )
    municipality_kind = forms.ChoiceField(
        label=_("Municipality type"), required=False, choices=[("", "")] + MunicipalityKind.choices
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    status = forms.ChoiceField(
        label=_("Legal status"), required=False, choices=[("", "")] + InterpretationStatus.choices
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[("relevance", _("relevance")), ("date", _("date"))]
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    FILTERS = ("type", "topic", "voivodeship", "municipality_kind", "year", "status")

    def filters(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FILTERS if self.cleaned_data.get(name)}
