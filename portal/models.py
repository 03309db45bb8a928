"""Site-wide pages and settings: the home page, standard pages, portal settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from knowledge.blocks import BodyBlock, EntryPointBlock

HOME_CACHE_KEY = "portal:home:{page}"
# Bounds how long an event that has ended may still be listed as upcoming (if fewer spares remain).
HOME_CACHE_SECONDS = 300
HOME_UPCOMING_SPARE = 10


class HomePage(Page):
    hero_title = models.CharField(_("headline"), max_length=200)
    hero_text = models.TextField(_("lead"), blank=True)
    entry_points = StreamField(
        [("entry", EntryPointBlock())],
        blank=True,
        verbose_name=_("entry points by need"),
        help_text=_("For example: I plan to create a CUS, I run a CUS, I am a councillor."),
    )
    ask_title = models.CharField(_("ask-an-expert heading"), max_length=200, blank=True)
    ask_text = models.TextField(_("ask-an-expert text"), blank=True)
    ask_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ask-an-expert page"),
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel([FieldPanel("hero_title"), FieldPanel("hero_text")], heading=_("Header")),
        FieldPanel("entry_points"),
        InlinePanel("featured", label=_("Featured material"), max_num=6),
        MultiFieldPanel(
            [FieldPanel("ask_title"), FieldPanel("ask_text"), PageChooserPanel("ask_page")],
            heading=_("Ask an expert"),
        ),
    ]
    api_fields = [APIField("hero_title"), APIField("hero_text")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from django.core.cache import cache
        from django.utils import timezone

        from knowledge import selectors
        from knowledge.models import LegalInterpretationPage, NewsPage, TrainingMaterialPage

        def load():
            featured = [f.page_id for f in self.featured.all()]
            pages = {p.pk: p for p in Page.objects.filter(pk__in=featured).live().specific()}
            return {
                "featured": [pages[pk] for pk in featured if pk in pages],
                "latest_news": selectors.latest(NewsPage, 3),
                "latest_materials": selectors.latest(TrainingMaterialPage, 3),
                "latest_interpretations": selectors.latest(LegalInterpretationPage, 3),
                # A few more than shown, so events that end before the entry expires can drop out.
                "upcoming_events": selectors.upcoming_events(HOME_UPCOMING_SPARE),
            }

        context = super().get_context(request, *args, **kwargs)
        # About 25 queries otherwise: worth keeping between publishes for signed-in visitors, whom the
        # full-page cache does not serve. Cleared with the navigation on every publish, move or deletion.
        listings = cache.get_or_set(HOME_CACHE_KEY.format(page=self.pk), load, HOME_CACHE_SECONDS)
        now = timezone.now()
        context.update(listings)
        context["upcoming_events"] = [e for e in listings["upcoming_events"] if e.end >= now][:3]
        return context


class HomeFeatured(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("page")]


class StandardPage(Page):
    """A plain page: about us, the accessibility statement, the privacy notice (RODO)."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("content"), blank=True)
    last_reviewed = models.DateField(
        _("last reviewed"), null=True, blank=True, help_text=_("Shown on the page, e.g. for the statement.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("body"),
        FieldPanel("last_reviewed"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = [APIField("intro"), APIField("body"), APIField("last_reviewed")]
    parent_page_types = ["portal.HomePage", "portal.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    organisation = models.CharField(_("organisation"), max_length=200, default="Obserwatorium CUS")
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    footer_text = RichTextField(_("footer text"), blank=True, features=["bold", "italic", "link"])
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accessibility statement"),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("privacy notice (RODO)"),
    )

    panels = [
        FieldPanel("organisation"),
        FieldPanel("address"),
        FieldPanel("email"),
        FieldPanel("phone"),
        FieldPanel("footer_text"),
        PageChooserPanel("accessibility_page"),
        PageChooserPanel("privacy_page"),
    ]

    select_related = ["accessibility_page", "privacy_page"]

    class Meta:
        verbose_name = _("portal settings")
