"""What the search layer stores: one entry per published page, with Polish-normalised text."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The indexed form of one published page; the engines match its *_norm fields."""

    page = models.OneToOneField("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40, db_index=True)
    title = models.CharField(max_length=255)
    title_folded = models.CharField(
        max_length=255, blank=True, help_text="Lowercase, no diacritics: autocomplete."
    )
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Plain text shown in snippets.")
    url = models.CharField(max_length=500)
    date = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=20, blank=True)
    voivodeship = models.CharField(max_length=30, blank=True)
    municipality_kind = models.CharField(max_length=20, blank=True)
    municipality = models.CharField(max_length=120, blank=True)
    topics = models.JSONField(default=list, help_text="[[slug, name], …]")
    topics_text = models.CharField(max_length=2000, blank=True, help_text="' slug1 slug2 ' for filtering")
    legal_basis = models.JSONField(default=list)
    title_norm = models.TextField(blank=True)
    basis_norm = models.TextField(blank=True)
    summary_norm = models.TextField(blank=True)
    body_norm = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_searchentry"  # named in the engines' SQL
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return self.title


class LexiconForm(models.Model):
    """A folded word form and the folded lemmas it stands for; lets queries typed without diacritics match."""

    form = models.CharField(max_length=80, primary_key=True)
    lemmas = models.CharField(max_length=400)

    def __str__(self):
        return f"{self.form} → {self.lemmas}"


class SearchQueryLog(models.Model):
    """One search as typed, for the editors' analytics (top queries, queries with no results)."""

    query = models.CharField(max_length=200, db_index=True)
    results = models.PositiveIntegerField()
    searched_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("search query")
        verbose_name_plural = _("search queries")

    def __str__(self):
        return self.query
