"""Editor-managed vocabularies: topics, audiences, services, municipalities and the glossary."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from knowledge.choices import MunicipalityKind, Voivodeship


def unique_slug(model, name: str, instance_pk=None) -> str:
    base = slugify(name.replace("ł", "l").replace("Ł", "L"))[:70] or "x"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=instance_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class SluggedName(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True, allow_unicode=False)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, self.pk)
        super().save(*args, **kwargs)


class Topic(index.Indexed, SluggedName):
    description = models.TextField(_("description"), blank=True)

    panels = SluggedName.panels + [FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(SluggedName.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_absolute_url(self):
        from knowledge.selectors import topic_url

        return topic_url(self)


class Audience(SluggedName):
    class Meta(SluggedName.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class SocialService(SluggedName):
    """A kind of social service a centre offers (care services, respite care, …)."""

    class Meta(SluggedName.Meta):
        verbose_name = _("social service")
        verbose_name_plural = _("social services")


class Municipality(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=120)
    teryt = models.CharField(
        _("TERYT code"),
        max_length=7,
        blank=True,
        null=True,
        unique=True,
        validators=[RegexValidator(r"^\d{7}$", _("A TERYT code has exactly 7 digits."))],
    )
    kind = models.CharField(_("type"), max_length=20, choices=MunicipalityKind.choices, blank=True)
    voivodeship = models.CharField(_("voivodeship"), max_length=30, choices=Voivodeship.choices, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("teryt"),
        FieldPanel("kind"),
        FieldPanel("voivodeship"),
        FieldPanel("population"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "voivodeship"], name="municipality_unique_name_voivodeship"
            )
        ]

    def __str__(self):
        return self.name


class GlossaryTerm(index.Indexed, models.Model):
    term = models.CharField(_("term"), max_length=60, unique=True)
    expansion = models.CharField(_("full form"), max_length=200, blank=True)
    definition = models.TextField(_("definition"))
    synonyms = models.TextField(
        _("synonyms"),
        blank=True,
        help_text=_("One per line. Search treats them as equivalent to the term."),
    )

    panels = [FieldPanel("term"), FieldPanel("expansion"), FieldPanel("definition"), FieldPanel("synonyms")]
    search_fields = [
        index.SearchField("term"),
        index.SearchField("expansion"),
        index.SearchField("definition"),
    ]

    class Meta:
        ordering = ["term"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")

    def __str__(self):
        return self.term

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]
