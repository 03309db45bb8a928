from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from knowledge import views
from knowledge.models import Audience, GlossaryTerm, Municipality, SocialService, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class AudienceViewSet(SnippetViewSet):
    model = Audience
    icon = "group"
    list_display = ["name"]


class SocialServiceViewSet(SnippetViewSet):
    model = SocialService
    icon = "list-ul"
    list_display = ["name"]


class MunicipalityViewSet(SnippetViewSet):
    model = Municipality
    icon = "home"
    list_display = ["name", "voivodeship", "kind", "teryt"]
    list_filter = ["voivodeship", "kind"]
    search_fields = ["name"]


class GlossaryViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    list_display = ["term", "expansion"]
    search_fields = ["term", "expansion"]


class TaxonomyGroup(SnippetViewSetGroup):
    menu_label = _("Vocabularies")
    menu_icon = "tag"
    menu_order = 300
    items = (TopicViewSet, AudienceViewSet, SocialServiceViewSet, MunicipalityViewSet, GlossaryViewSet)


register_snippet(TaxonomyGroup)


@hooks.register("register_admin_urls")
def review_report_urls():
    return [path("reports/review-due/", views.review_report, name="knowledge_review_report")]


class ReviewReportMenuItem(MenuItem):
    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(request.user, ["add", "change", "publish"])


@hooks.register("register_reports_menu_item")
def review_report_menu_item():
    return ReviewReportMenuItem(
        _("Content due for review"),
        reverse("knowledge_review_report"),
        name="review-due",
        icon_name="time",
        order=50,
    )
