"""Admin views of the knowledge base."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.permission_policies.pages import PagePermissionPolicy

from knowledge.selectors import pages_due_for_review


def review_report(request):
    """Content whose review date has passed or falls within the review window, for pages the user can edit."""
    policy = PagePermissionPolicy()
    if not policy.user_has_any_permission(request.user, ["add", "change", "publish"]):
        raise PermissionDenied
    editable = set(
        policy.instances_user_has_any_permission_for(request.user, ["change", "publish"]).values_list(
            "pk", flat=True
        )
    )
    today = timezone.localdate()
    rows = [
        {"page": page, "overdue": page.review_date < today, "days": abs((page.review_date - today).days)}
        for page in pages_due_for_review(today=today)
        if page.pk in editable
    ]
    return TemplateResponse(
        request,
        "knowledge/admin/review_report.html",
        {"rows": rows, "page_title": _("Content due for review"), "header_icon": "time", "today": today},
    )
