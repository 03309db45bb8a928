"""Abstract building blocks shared by the knowledge page types."""

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

LISTING_PAGE_SIZE = 12


def today():
    return timezone.localdate()


class KnowledgePage(Page):
    """Fields every knowledge item has: summary, topics, dates, review date."""

    summary = models.TextField(_("summary"), help_text=_("One or two sentences shown in listings."))
    topics = ParentalManyToManyField(
        "knowledge.Topic", blank=True, related_name="+", verbose_name=_("topics")
    )
    date = models.DateField(_("date"), default=today, db_index=True)
    review_date = models.DateField(
        _("next review date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("The owner is reminded to check the content from 30 days before this date."),
    )

    source_url = models.URLField(
        _("source"),
        blank=True,
        max_length=500,
        help_text=_("Where the material was first published, if elsewhere."),
    )

    type_label = _("Material")
    show_in_menus_default = False

    meta_panels = [
        MultiFieldPanel(
            [
                FieldPanel("summary"),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("date"),
                FieldPanel("review_date"),
                FieldPanel("source_url"),
            ],
            heading=_("Description"),
        )
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("date"),
    ]

    api_fields = [
        APIField("summary"),
        APIField("date"),
        APIField(
            "topics", serializer=serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
        ),
    ]

    class Meta:
        abstract = True

    def get_meta_description(self) -> str:
        return self.search_description or self.summary


class AttachedDocument(Orderable):
    document = models.ForeignKey(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    title = models.CharField(_("link text"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True

    @property
    def label(self) -> str:
        return self.title or self.document.title


class KnowledgeIndexPage(Page):
    """A section listing its children with filters, sorting and pagination in the query string."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    api_fields = [APIField("intro")]
    max_count = 1

    class Meta:
        abstract = True

    def route(self, request, path_components):
        # Sections hold only their own page type, so the child is fetched with its specific fields in one
        # query instead of Wagtail's two (the base page, then .specific).
        if not path_components or getattr(self, "child_model", None) is None:
            return super().route(request, path_components)
        try:
            child = self.child_model.objects.child_of(self).get(slug=path_components[0])
        except self.child_model.DoesNotExist:
            return super().route(request, path_components)
        child._cached_parent_obj = self  # the breadcrumbs ask for it
        return child.route(request, path_components[1:])

    def get_template(self, request, *args, **kwargs):
        # Every section shares one listing template; the filters differ, not the layout.
        return "knowledge/index_page.html"

    def get_context(self, request, *args, **kwargs):
        from knowledge.selectors import listing_for_index

        context = super().get_context(request, *args, **kwargs)
        filterset, items = listing_for_index(self, request.GET)
        page_number = request.GET.get("page") or 1
        paginator = Paginator(items, LISTING_PAGE_SIZE)
        page_obj = paginator.get_page(page_number)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filterset=filterset,
            page_obj=page_obj,
            items=page_obj.object_list,
            querystring=query.urlencode(),
            active_filters=[f for f in filterset.form.changed_data if f != "sort"]
            if filterset.is_bound
            else [],
        )
        return context
