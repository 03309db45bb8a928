"""Cross-cutting pages: topics and the glossary."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from .taxonomy import GlossaryTerm, Topic


class TopicIndexPage(RoutablePageMixin, Page):
    """Lists the topics; /<slug>/ below it lists everything on one topic across page types."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("topics page")

    @path("")
    def topic_list(self, request):
        from knowledge.selectors import topics_with_counts

        return self.render(request, context_overrides={"topics": topics_with_counts()})

    @path("<slug:slug>/")
    def topic_detail(self, request, slug):
        from knowledge.selectors import pages_on_topic

        topic = get_object_or_404(Topic, slug=slug)
        return self.render(
            request,
            template="knowledge/topic_detail.html",
            context_overrides={"topic": topic, "sections": pages_on_topic(topic)},
        )


class GlossaryPage(Page):
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("glossary page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        terms = list(GlossaryTerm.objects.all())
        letters: dict[str, list[GlossaryTerm]] = {}
        for term in terms:
            letters.setdefault(term.term[:1].upper(), []).append(term)
        context["letters"] = sorted(letters.items())
        return context
