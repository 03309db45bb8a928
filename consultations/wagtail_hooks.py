from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from consultations.models import (
    Absence,
    Adviser,
    AnswerTemplate,
    CategoryPolicy,
    Official,
    PrivacyClause,
    RoutingRule,
    VerifiedDomain,
)


class AdviserViewSet(SnippetViewSet):
    model = Adviser
    icon = "user"
    list_display = ["__str__", "role", "voivodeship", "case_limit", "active"]
    list_filter = ["role", "active"]
    panels = [
        FieldPanel("user"),
        FieldPanel("role"),
        FieldPanel("specialisations"),
        FieldPanel("voivodeship"),
        FieldPanel("conflicts"),
        FieldPanel("case_limit"),
        FieldPanel("active"),
    ]


class AbsenceViewSet(SnippetViewSet):
    model = Absence
    icon = "date"
    list_display = ["adviser", "start", "end", "substitute"]
    panels = [FieldPanel("adviser"), FieldPanel("start"), FieldPanel("end"), FieldPanel("substitute")]


class RoutingRuleViewSet(SnippetViewSet):
    model = RoutingRule
    icon = "redirect"
    list_display = ["category", "pool", "topic", "voivodeship", "priority", "active"]
    list_filter = ["category", "pool", "active"]
    panels = [
        FieldPanel("category"),
        FieldPanel("pool"),
        FieldPanel("topic"),
        FieldPanel("voivodeship"),
        FieldPanel("priority"),
        FieldPanel("active"),
    ]


class CategoryPolicyViewSet(SnippetViewSet):
    model = CategoryPolicy
    icon = "time"
    list_display = ["category", "deadline_days"]
    panels = [FieldPanel("category"), FieldPanel("deadline_days")]


class PrivacyClauseViewSet(SnippetViewSet):
    model = PrivacyClause
    icon = "lock"
    list_display = ["version", "published_at"]
    panels = [FieldPanel("version"), FieldPanel("text"), FieldPanel("published_at")]


class AnswerTemplateViewSet(SnippetViewSet):
    model = AnswerTemplate
    icon = "doc-full"
    list_display = ["title", "category"]
    search_fields = ["title", "body"]
    panels = [FieldPanel("title"), FieldPanel("category"), FieldPanel("body")]


class VerifiedDomainViewSet(SnippetViewSet):
    model = VerifiedDomain
    icon = "mail"
    list_display = ["domain", "municipality"]
    search_fields = ["domain"]
    panels = [FieldPanel("municipality"), FieldPanel("domain")]


class OfficialViewSet(SnippetViewSet):
    model = Official
    icon = "group"
    list_display = ["__str__", "position", "status", "created_at"]
    list_filter = ["status"]
    panels = [
        FieldPanel("user", read_only=True),
        FieldPanel("municipality"),
        FieldPanel("position"),
        FieldPanel("phone"),
        FieldPanel("status"),
    ]


class DeskGroup(SnippetViewSetGroup):
    menu_label = _("Consultation desk")
    menu_icon = "help"
    menu_order = 310
    items = (
        AdviserViewSet,
        AbsenceViewSet,
        RoutingRuleViewSet,
        CategoryPolicyViewSet,
        AnswerTemplateViewSet,
        PrivacyClauseViewSet,
        OfficialViewSet,
        VerifiedDomainViewSet,
    )


register_snippet(DeskGroup)
