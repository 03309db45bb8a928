from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from knowledge import views
from knowledge.models import Audience, EventPage, GlossaryTerm, Municipality, SocialService, Topic


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


@hooks.register("register_admin_urls")
def event_registration_urls():
    return [
        path(
            "events/<int:page_id>/registrations/",
            views.event_registrations,
            name="knowledge_event_registrations",
        ),
        path(
            "events/<int:page_id>/registrations/export.<str:fmt>",
            views.event_registrations_export,
            name="knowledge_event_registrations_export",
        ),
        path(
            "events/<int:page_id>/registrations/message/",
            views.event_registrations_message,
            name="knowledge_event_registrations_message",
        ),
        path(
            "events/<int:page_id>/registrations/attendance/",
            views.event_attendance_list,
            name="knowledge_event_attendance",
        ),
    ]


def _registrations_button(page, user, priority):
    if page.specific_class is EventPage and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Registrations"),
            reverse("knowledge_event_registrations", args=(page.pk,)),
            icon_name="group",
            priority=priority,
        )


@hooks.register("register_page_header_buttons")
def event_registrations_header_button(page, user, view_name=None, next_url=None):
    yield from _registrations_button(page, user, priority=5)


@hooks.register("register_page_listing_more_buttons")
def event_registrations_listing_button(page, user, next_url=None):
    yield from _registrations_button(page, user, priority=5)


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
