from django import template

register = template.Library()


@register.filter
def nav_url(url_path: str) -> str:
    """The public URL of a top-level section from its tree path (/start/sekcja/ → /sekcja/)."""
    parts = url_path.strip("/").split("/", 1)
    return "/" + (parts[1] + "/" if len(parts) > 1 and parts[1] else "")
