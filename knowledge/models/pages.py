"""The knowledge page types and their section index pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from rest_framework import serializers
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable
from wagtail.search import index

from knowledge.blocks import RICH_TEXT_FEATURES, BodyBlock
from knowledge.choices import (
    CreationMode,
    EventMode,
    Funding,
    InterpretationStatus,
    MaterialFormat,
    MaterialLevel,
    PartnerKind,
    QuestionKind,
    RegistrationApproval,
)

from .base import AttachedDocument, KnowledgeIndexPage, KnowledgePage

ACT_CUS = "ustawa o realizowaniu usług społecznych przez centrum usług społecznych"


class _NameSerializer(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(many=False, read_only=True, slug_field="name", **kwargs)


def _names(**kwargs):
    return serializers.SlugRelatedField(many=True, read_only=True, slug_field="name", **kwargs)


# --- Training material ---------------------------------------------------------------------------


class TrainingMaterialPage(KnowledgePage):
    body = StreamField(BodyBlock(), verbose_name=_("content"), blank=True)
    audience = ParentalManyToManyField("knowledge.Audience", blank=True, verbose_name=_("audience"))
    format = models.CharField(_("format"), max_length=20, choices=MaterialFormat.choices, db_index=True)
    level = models.CharField(
        _("level"), max_length=20, choices=MaterialLevel.choices, default=MaterialLevel.BASIC
    )
    trainer = models.CharField(_("author or trainer"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)

    type_label = _("Training material")
    parent_page_types = ["knowledge.TrainingIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.meta_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("format"), FieldPanel("level")]),
                FieldPanel("audience", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("trainer"), FieldPanel("duration_minutes")]),
            ],
            heading=_("About the material"),
        ),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attached documents")),
    ]
    search_fields = KnowledgePage.search_fields + [
        index.SearchField("body"),
        index.SearchField("trainer"),
        index.FilterField("format"),
    ]
    api_fields = KnowledgePage.api_fields + [
        APIField("body"),
        APIField("audience", serializer=_names()),
        APIField("format"),
        APIField("level"),
        APIField("trainer"),
        APIField("duration_minutes"),
    ]

    class Meta:
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")


class TrainingMaterialDocument(AttachedDocument):
    page = ParentalKey(TrainingMaterialPage, on_delete=models.CASCADE, related_name="attachments")


class TrainingIndexPage(KnowledgeIndexPage):
    subpage_types = ["knowledge.TrainingMaterialPage"]
    parent_page_types = ["portal.HomePage"]
    child_model = TrainingMaterialPage

    class Meta:
        verbose_name = _("training materials section")


# --- Good practice -------------------------------------------------------------------------------


class GoodPracticePage(KnowledgePage):
    municipality = models.ForeignKey(
        "knowledge.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="good_practices",
        verbose_name=_("municipality"),
    )
    established = models.DateField(_("date the CUS was established"), null=True, blank=True)
    creation_mode = models.CharField(
        _("mode of creation"), max_length=30, choices=CreationMode.choices, blank=True, db_index=True
    )
    funding = models.CharField(_("funding"), max_length=20, choices=Funding.choices, blank=True)
    funding_note = models.CharField(_("funding details"), max_length=300, blank=True)
    services = ParentalManyToManyField(
        "knowledge.SocialService", blank=True, verbose_name=_("services offered")
    )
    posts_created = models.PositiveIntegerField(_("posts created"), null=True, blank=True)
    people_served = models.PositiveIntegerField(_("people served"), null=True, blank=True)
    budget_pln = models.PositiveBigIntegerField(_("budget (PLN)"), null=True, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)
    worked = RichTextField(_("what worked"), blank=True, features=RICH_TEXT_FEATURES)
    pitfalls = RichTextField(_("pitfalls"), blank=True, features=RICH_TEXT_FEATURES)
    contact = models.TextField(_("contact"), blank=True)

    type_label = _("Good practice")
    parent_page_types = ["knowledge.GoodPracticeIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.meta_panels,
        MultiFieldPanel(
            [
                FieldPanel("municipality"),
                FieldRowPanel([FieldPanel("established"), FieldPanel("creation_mode")]),
                FieldRowPanel([FieldPanel("funding"), FieldPanel("funding_note")]),
                FieldPanel("services", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("The centre"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("posts_created"), FieldPanel("people_served"), FieldPanel("budget_pln")]
                )
            ],
            heading=_("Key figures"),
        ),
        FieldPanel("body"),
        FieldPanel("worked"),
        FieldPanel("pitfalls"),
        InlinePanel("partners", label=_("Partners")),
        FieldPanel("contact"),
        InlinePanel("attachments", label=_("Documents")),
    ]
    search_fields = KnowledgePage.search_fields + [
        index.SearchField("body"),
        index.SearchField("worked"),
        index.SearchField("pitfalls"),
        index.RelatedFields("municipality", [index.SearchField("name"), index.FilterField("voivodeship")]),
        index.RelatedFields("services", [index.SearchField("name")]),
    ]
    api_fields = KnowledgePage.api_fields + [
        APIField("municipality", serializer=_NameSerializer()),
        APIField(
            "voivodeship", serializer=serializers.CharField(source="municipality.voivodeship", default="")
        ),
        APIField("established"),
        APIField("creation_mode"),
        APIField("funding"),
        APIField("funding_note"),
        APIField("services", serializer=_names()),
        APIField("partners"),
        APIField("posts_created"),
        APIField("people_served"),
        APIField("budget_pln"),
        APIField("body"),
        APIField("worked"),
        APIField("pitfalls"),
        APIField("contact"),
    ]

    class Meta:
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")


class GoodPracticePartner(Orderable):
    page = ParentalKey(GoodPracticePage, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices, default=PartnerKind.NGO)

    api_fields = [APIField("name"), APIField("kind")]
    panels = [FieldPanel("name"), FieldPanel("kind")]

    def __str__(self):
        return self.name


class GoodPracticeDocument(AttachedDocument):
    page = ParentalKey(GoodPracticePage, on_delete=models.CASCADE, related_name="attachments")


class GoodPracticeIndexPage(KnowledgeIndexPage):
    subpage_types = ["knowledge.GoodPracticePage"]
    parent_page_types = ["portal.HomePage"]
    child_model = GoodPracticePage

    class Meta:
        verbose_name = _("good practices section")


# --- Legal interpretation ------------------------------------------------------------------------


class LegalInterpretationPage(KnowledgePage):
    question = RichTextField(_("question"), features=["bold", "italic", "link"])
    answer = StreamField(BodyBlock(), verbose_name=_("answer"))
    issued = models.DateField(_("date issued"))
    author = models.CharField(_("author"), max_length=200)
    author_role = models.CharField(_("author's role"), max_length=200, blank=True)
    law_as_at = models.DateField(_("law as at"), help_text=_("The state of the law the answer reflects."))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InterpretationStatus.choices,
        default=InterpretationStatus.CURRENT,
        db_index=True,
    )
    superseded_by = models.ForeignKey(
        "knowledge.LegalInterpretationPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supersedes",
        verbose_name=_("superseded by"),
    )
    # Private: the consultation a page was drafted from; shown to editors only, never published.
    source_case = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted from consultation"),
    )

    type_label = _("Legal interpretation")
    parent_page_types = ["knowledge.InterpretationIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.meta_panels,
        FieldPanel("question"),
        FieldPanel("answer"),
        InlinePanel("legal_basis", label=_("Legal basis"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issued"), FieldPanel("law_as_at")]),
                FieldRowPanel([FieldPanel("author"), FieldPanel("author_role")]),
                FieldRowPanel([FieldPanel("status"), FieldPanel("superseded_by")]),
                FieldPanel("source_case", read_only=True),
            ],
            heading=_("Status and authorship"),
        ),
        InlinePanel("changes", label=_("Public change notes")),
        InlinePanel("attachments", label=_("Documents")),
    ]
    search_fields = KnowledgePage.search_fields + [
        index.SearchField("question"),
        index.SearchField("answer"),
        index.RelatedFields("legal_basis", [index.SearchField("citation")]),
        index.FilterField("status"),
    ]
    api_fields = KnowledgePage.api_fields + [
        APIField("question"),
        APIField("answer"),
        APIField("legal_basis"),
        APIField("issued"),
        APIField("law_as_at"),
        APIField("author"),
        APIField("author_role"),
        APIField("status"),
        APIField("superseded_by", serializer=serializers.IntegerField(source="superseded_by_id")),
        APIField("changes"),
    ]

    class Meta:
        verbose_name = _("legal interpretation")
        verbose_name_plural = _("legal interpretations")

    def clean(self):
        super().clean()
        if self.status == InterpretationStatus.SUPERSEDED and not self.superseded_by_id:
            raise ValidationError({"superseded_by": _("Choose the interpretation that supersedes this one.")})
        if self.superseded_by_id and self.pk and self.superseded_by_id == self.pk:
            raise ValidationError({"superseded_by": _("An interpretation cannot supersede itself.")})

    @property
    def is_current(self) -> bool:
        return self.status == InterpretationStatus.CURRENT


class LegalReference(Orderable):
    """One cited provision: act, article, paragraph (ust.), point (pkt)."""

    page = ParentalKey(LegalInterpretationPage, on_delete=models.CASCADE, related_name="legal_basis")
    act = models.CharField(_("act"), max_length=250, default=ACT_CUS)
    article = models.CharField(_("article"), max_length=20, blank=True)
    paragraph = models.CharField(_("paragraph (ust.)"), max_length=20, blank=True)
    point = models.CharField(_("point (pkt)"), max_length=20, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("article"), FieldPanel("paragraph"), FieldPanel("point")]),
        FieldPanel("act"),
    ]
    api_fields = [
        APIField("act"),
        APIField("article"),
        APIField("paragraph"),
        APIField("point"),
        APIField("citation"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("legal reference")

    def __str__(self):
        return self.citation

    @property
    def provision(self) -> str:
        parts = [f"art. {self.article}"] if self.article else []
        if self.paragraph:
            parts.append(f"ust. {self.paragraph}")
        if self.point:
            parts.append(f"pkt {self.point}")
        return " ".join(parts)

    @property
    def citation(self) -> str:
        act = self.act
        if act.startswith("ustawa "):
            act = "ustawy " + act.removeprefix("ustawa ")
        return f"{self.provision} {act}".strip()


class InterpretationChange(Orderable):
    page = ParentalKey(LegalInterpretationPage, on_delete=models.CASCADE, related_name="changes")
    date = models.DateField(_("date"))
    text = models.TextField(_("what changed"))

    panels = [FieldPanel("date"), FieldPanel("text")]
    api_fields = [APIField("date"), APIField("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("change note")


class InterpretationDocument(AttachedDocument):
    page = ParentalKey(LegalInterpretationPage, on_delete=models.CASCADE, related_name="attachments")


class InterpretationIndexPage(KnowledgeIndexPage):
    subpage_types = ["knowledge.LegalInterpretationPage"]
    parent_page_types = ["portal.HomePage"]
    child_model = LegalInterpretationPage

    class Meta:
        verbose_name = _("legal interpretations section")


# --- Explanations and articles -------------------------------------------------------------------


class ExplanationPage(KnowledgePage):
    """An explanation or article: non-legal guidance, also drafted from consultation answers."""

    body = StreamField(BodyBlock(), verbose_name=_("content"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    # Private: the consultation a page was drafted from; shown to editors only, never published.
    source_case = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drafted from consultation"),
    )

    type_label = _("Explanation")
    parent_page_types = ["knowledge.ExplanationIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.meta_panels,
        FieldPanel("author"),
        FieldPanel("body"),
        FieldPanel("source_case", read_only=True),
    ]
    search_fields = KnowledgePage.search_fields + [index.SearchField("body"), index.SearchField("author")]
    api_fields = KnowledgePage.api_fields + [APIField("body"), APIField("author")]

    class Meta:
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")


class ExplanationIndexPage(KnowledgeIndexPage):
    subpage_types = ["knowledge.ExplanationPage"]
    parent_page_types = ["portal.HomePage"]
    child_model = ExplanationPage

    class Meta:
        verbose_name = _("explanations section")


# --- News ----------------------------------------------------------------------------------------


class NewsPage(KnowledgePage):
    body = StreamField(BodyBlock(), verbose_name=_("content"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    image_alt = models.CharField(
        _("image alternative text"), max_length=250, blank=True, help_text=_("Required when an image is set.")
    )

    type_label = _("News")
    parent_page_types = ["knowledge.NewsIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.meta_panels,
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
    ]
    search_fields = KnowledgePage.search_fields + [index.SearchField("body")]
    api_fields = KnowledgePage.api_fields + [APIField("body")]

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError({"image_alt": _("Describe the image for people who cannot see it.")})


class NewsIndexPage(KnowledgeIndexPage):
    subpage_types = ["knowledge.NewsPage"]
    parent_page_types = ["portal.HomePage"]
    child_model = NewsPage

    class Meta:
        verbose_name = _("news section")


# --- Events --------------------------------------------------------------------------------------


class EventPage(RoutablePageMixin, KnowledgePage):
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    mode = models.CharField(_("form"), max_length=20, choices=EventMode.choices, default=EventMode.IN_PERSON)
    venue = models.TextField(_("venue"), blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    organiser = models.CharField(_("organiser"), max_length=200)
    audience = ParentalManyToManyField("knowledge.Audience", blank=True, verbose_name=_("audience"))
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Warsaw time. Without a deadline, registration is possible until the event starts."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("description"), blank=True)

    registration_enabled = models.BooleanField(
        _("registration on the portal is open"),
        default=False,
        help_text=_("Participants register with a form on the event page."),
    )
    capacity = models.PositiveIntegerField(
        _("number of places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waiting_list = models.BooleanField(
        _("waiting list when full"),
        default=True,
        help_text=_("A freed place goes to the first person on the list, who is told by e-mail."),
    )
    approval = models.CharField(
        _("confirmation of places"),
        max_length=20,
        choices=RegistrationApproval.choices,
        default=RegistrationApproval.AUTOMATIC,
    )
    places_per_municipality = models.PositiveIntegerField(
        _("places per municipality"),
        null=True,
        blank=True,
        help_text=_("The most registrations one municipality may have; leave empty for no limit."),
    )
    privacy_clause = models.TextField(
        _("information clause (RODO)"),
        blank=True,
        help_text=_("Shown above the consent in the form and stored with every registration."),
    )

    type_label = _("Event")
    parent_page_types = ["knowledge.EventIndexPage"]
    subpage_types = []

    content_panels = KnowledgePage.content_panels + [
        *KnowledgePage.meta_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("mode"),
                FieldPanel("venue"),
                FieldPanel("online_url"),
                FieldPanel("organiser"),
                FieldPanel("audience", widget=forms.CheckboxSelectMultiple),
                FieldPanel("registration_deadline"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("body"),
        InlinePanel("programme", label=_("Programme")),
        InlinePanel("attachments", label=_("Programme and forms (attachments)")),
        MultiFieldPanel(
            [
                FieldPanel("registration_enabled"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("places_per_municipality")]),
                FieldRowPanel([FieldPanel("waiting_list"), FieldPanel("approval")]),
                FieldPanel("privacy_clause"),
            ],
            heading=_("Registration"),
        ),
        InlinePanel("questions", label=_("Extra questions in the registration form")),
    ]
    search_fields = KnowledgePage.search_fields + [
        index.SearchField("body"),
        index.SearchField("venue"),
        index.SearchField("organiser"),
        index.FilterField("start"),
    ]
    api_fields = KnowledgePage.api_fields + [
        APIField("start"),
        APIField("end"),
        APIField("mode"),
        APIField("venue"),
        APIField("online_url"),
        APIField("organiser"),
        APIField("audience", serializer=_names()),
        APIField("registration_deadline"),
        APIField("programme"),
        APIField("body"),
    ]

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The event cannot end before it starts.")})
        if self.mode in (EventMode.ONLINE, EventMode.HYBRID) and not self.online_url:
            raise ValidationError({"online_url": _("An online or hybrid event needs a meeting link.")})
        if self.registration_enabled and not self.privacy_clause.strip():
            raise ValidationError(
                {"privacy_clause": _("Registration needs the information clause participants agree to.")}
            )

    def save(self, *args, **kwargs):
        # The listing date of an event is its day, so sorting and year filters work like elsewhere.
        if self.start:
            from django.utils import timezone

            self.date = timezone.localtime(self.start).date()
        super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from django.utils import timezone

        from knowledge.registration import registration_closed_reason, registration_deadline

        context = super().get_context(request, *args, **kwargs)
        context["registration_deadline"] = registration_deadline(self)
        context["registration_open"] = registration_closed_reason(self, now=timezone.now()) is None
        return context

    # Registration, its status page and the .ics file are separate URLs: the event page itself is cached
    # for anonymous visitors, these are not (forms with CSRF tokens, live seat counts).
    @path("rejestracja/", name="register")
    def register(self, request):
        from knowledge import event_views

        return event_views.registration_form(request, self)

    @path("rejestracja/zgloszenie/<str:token>/", name="registration")
    def registration(self, request, token):
        from knowledge import event_views

        return event_views.registration_manage(request, self, token)

    @path("ical/", name="ics")
    def ics(self, request):
        from knowledge import event_views

        return event_views.event_ics(request, self)


class EventQuestion(Orderable):
    """An extra question of an event's registration form, defined by the editor."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=QuestionKind.choices)
    choices = models.TextField(_("options"), blank=True, help_text=_("For a choice: one option per line."))
    required = models.BooleanField(_("answer required"), default=False)

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("kind"), FieldPanel("required")]),
        FieldPanel("choices"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("extra question")

    def clean(self):
        super().clean()
        if self.kind == QuestionKind.CHOICE and len(self.options) < 2:
            raise ValidationError({"choices": _("A choice needs at least two options, one per line.")})

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class EventProgrammeItem(Orderable):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="programme")
    time = models.CharField(_("time"), max_length=20)
    item = models.CharField(_("item"), max_length=300)

    panels = [FieldRowPanel([FieldPanel("time"), FieldPanel("item")])]
    api_fields = [APIField("time"), APIField("item")]


class EventDocument(AttachedDocument):
    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="attachments")


class EventIndexPage(RoutablePageMixin, KnowledgeIndexPage):
    subpage_types = ["knowledge.EventPage"]
    parent_page_types = ["portal.HomePage"]
    child_model = EventPage

    class Meta:
        verbose_name = _("events section")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["calendar_url"] = self.url + self.reverse_subpage("calendar")
        return context

    @path("kalendarz/", name="calendar")
    @path("kalendarz/<int:year>/<int:month>/", name="calendar_month")
    def calendar(self, request, year=None, month=None):
        from knowledge import event_views

        return event_views.event_calendar(request, self, year=year, month=month)
