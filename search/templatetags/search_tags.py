from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

register = template.Library()

FACET_TITLES = {
    "type": _("Content type"),
    "topic": _("Topic"),
    "voivodeship": _("Voivodeship"),
    "municipality_kind": _("Municipality type"),
    "year": _("Year"),
    "status": _("Legal status"),
}


@register.simple_tag
def facet_title(name):
    return FACET_TITLES.get(name, name)


@register.simple_tag
def facet_link(request, name, value):
    """A link that adds this facet value to the query, or removes it when it is already chosen."""
    query = request.GET.copy()
    query.pop("page", None)
    active = query.get(name) == str(value)
    if active:
        query.pop(name)
    else:
        query[name] = value
    return {"url": "?" + query.urlencode(), "active": active}


@register.simple_tag
def sort_links(request):
    current = request.GET.get("sort") or "relevance"
    links = []
    for value, label in (("relevance", _("relevance")), ("date", _("date"))):
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = value
        links.append((value == current, "?" + query.urlencode(), label))
    return format_html_join(
        " · ",
        "{}",
        (
            (format_html('<a href="{}"{}>{}</a>', url, ' aria-current="true"' if on else "", label),)
            for on, url, label in links
        ),
    )
