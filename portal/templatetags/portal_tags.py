from functools import lru_cache

from django import template
from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from wagtail.admin.templatetags.wagtailuserbar import get_page_instance, wagtailuserbar

register = template.Library()

USERBAR_CACHE_KEY = "portal:userbar:{user}:{language}"
USERBAR_CACHE_SECONDS = 600


@register.filter
def nav_url(url_path: str) -> str:
    """The public URL of a top-level section from its tree path (/start/sekcja/ → /sekcja/)."""
    parts = url_path.strip("/").split("/", 1)
    return "/" + (parts[1] + "/" if len(parts) > 1 and parts[1] else "")


@register.simple_tag(takes_context=True)
def portal_userbar(context) -> str:
    """Wagtail's user bar; outside pages it is the same on every request, so it is kept per user.

    Its permission checks, profile lookups and rendering cost more than the rows of a desk list. Pages
    render it afresh, because there it depends on the page and the user's rights on it.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or get_page_instance(context) is not None:
        return wagtailuserbar(context)
    key = USERBAR_CACHE_KEY.format(user=user.pk, language=get_language())
    host = request.get_host()
    cached = cache.get(key)
    if cached is not None and cached[0] == host:
        return mark_safe(cached[1])  # noqa: S308 - rendered by Wagtail's own templates
    html = wagtailuserbar(context)
    cache.set(key, (host, str(html)), USERBAR_CACHE_SECONDS)
    return html


def userbar_cache_clear(user_id: int) -> None:
    """Forget a user's cached user bar: their profile, groups or permissions changed."""
    from django.conf import settings

    cache.delete_many(
        [USERBAR_CACHE_KEY.format(user=user_id, language=code) for code, _ in settings.LANGUAGES]
    )


@register.simple_tag(takes_context=True)
def pagination(context) -> str:
    """includes/pagination.html for the context's page_obj and querystring.

    The links depend on nothing else, so each combination is rendered once per process: a long list's
    links cost as much to render as its rows.
    """
    page = context["page_obj"]
    querystring = context.get("querystring") or ""
    safe = isinstance(querystring, SafeData)  # the template escapes it unless so marked: part of the key
    return _pagination_html(get_language(), page.number, page.paginator.num_pages, str(querystring), safe)


# Bounded: a listing of hundreds of pages has links worth tens of kilobytes per query string.
@lru_cache(maxsize=128)
def _pagination_html(language: str, number: int, num_pages: int, querystring: str, safe: bool) -> str:
    # One item per page: a stand-in with the same number, page count and neighbours as the real page.
    page = Paginator(range(num_pages), 1).page(number)
    context = {"page_obj": page, "querystring": mark_safe(querystring) if safe else querystring}  # noqa: S308
    html = render_to_string("includes/pagination.html", context)
    return mark_safe(html)  # noqa: S308 - rendered by our own template, which escapes the query string
