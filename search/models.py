"""What the search layer stores: one entry per published page, with Polish-normalised text."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The indexed form of one published page; the engines match its *_norm fields.

    Engines identify entries by their own id. An entry without a page is a document indexed in bulk
    (services.entries_bulk_index), e.g. the generated collection of bench/search_latency.
    """

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
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


class DocumentFrequency(models.Model):
    """How many entries contain each index token, kept by database triggers on PostgreSQL (IDF for ranking).

    The empty token counts the entries themselves. SQLite's FTS5 and Elasticsearch keep their own statistics.
    """

    token = models.TextField(primary_key=True)
    docs = models.BigIntegerField()

    class Meta:
        db_table = "search_documentfrequency"  # named in the triggers' SQL

    def __str__(self):
        return f"{self.token}: {self.docs}"


class PendingIndexWrite(models.Model):
    """An index change Elasticsearch missed (it was unreachable); replayed when it answers again.

    One row per entry: the latest change wins, so a page published and then deleted during an outage is
    removed, not resurrected.
    """

    class Action(models.TextChoices):
        INDEX = "index", _("index")
        REMOVE = "remove", _("remove")

    entry_id = models.BigIntegerField(primary_key=True)  # not a foreign key: removals outlive their entry
    action = models.CharField(max_length=10, choices=Action.choices)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("pending index change")
        verbose_name_plural = _("pending index changes")

    def __str__(self):
        return f"{self.action} {self.entry_id}"


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
