from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from search.models import SearchQueryLog

PERMISSION = "wagtailsearchpromotions.add_searchpromotion"
WINDOW_DAYS = 90


def search_analytics(request):
    """Top queries and queries that found nothing over the last 90 days, for editors tuning search."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    since = timezone.now() - timedelta(days=WINDOW_DAYS)
    recent = SearchQueryLog.objects.filter(searched_at__gte=since)
    top = recent.values("query").annotate(n=Count("id"), avg=Avg("results")).order_by("-n", "query")[:50]
    empty = recent.filter(results=0).values("query").annotate(n=Count("id")).order_by("-n", "query")[:50]
    return TemplateResponse(
        request,
        "search/admin/analytics.html",
        {
            "top": top,
            "empty": empty,
            "total": recent.count(),
            "days": WINDOW_DAYS,
            "page_title": _("Search analytics"),
            "header_icon": "search",
        },
    )


@hooks.register("register_admin_urls")
def analytics_urls():
    return [path("reports/search/", search_analytics, name="search_analytics")]


class AnalyticsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def analytics_menu_item():
    return AnalyticsMenuItem(
        _("Search analytics"),
        reverse("search_analytics"),
        name="search-analytics",
        icon_name="search",
        order=60,
    )
