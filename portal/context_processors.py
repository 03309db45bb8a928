from django.core.cache import cache
from django.http.request import split_domain_port
from wagtail.models import Site

NAV_CACHE_KEY = "portal:nav:{root}"
SETTINGS_CACHE_KEY = "portal:settings:{site}"
SITE_IDS_CACHE_KEY = "portal:site-ids"
SETTINGS_FIELDS = ("organisation", "address", "email", "phone", "footer_text")


def _site_ids(request) -> tuple[int, int] | None:
    """(site id, root page id) for the request's host and port; cached until a site is saved or deleted.

    Wagtail's lookup is a query joining the root page, and every page's header needs only these two ids.
    """
    host = (split_domain_port(request._get_raw_host())[0], request.get_port())
    known = cache.get(SITE_IDS_CACHE_KEY) or {}
    if host not in known:
        site = Site.find_for_request(request)
        if site is None:
            return None
        known = {**known, host: (site.pk, site.root_page_id)}
        cache.set(SITE_IDS_CACHE_KEY, known, 24 * 3600)
    return known[host]


def navigation(request):
    """Top-level sections for the main menu; cached until a page is published, moved or removed."""
    ids = _site_ids(request) if request else None
    if ids is None:
        return {"nav_pages": [], "portal_settings": {}}
    site_id, root_id = ids

    def load():
        from wagtail.models import Page

        site = Site.find_for_request(request)
        return list(
            Page.objects.filter(depth=site.root_page.depth + 1, path__startswith=site.root_page.path)
            .live()
            .in_menu()
            .order_by("path")
            .values("id", "title", "url_path")
        )

    def load_settings():
        from portal.models import PortalSettings

        obj = PortalSettings.for_site(Site.find_for_request(request))
        data = {name: getattr(obj, name) for name in SETTINGS_FIELDS}
        for name in ("accessibility_page", "privacy_page"):
            page = getattr(obj, name)
            data[f"{name}_url"] = page.get_url(request) if page and page.live else None
        return data

    # One round trip to the cache for both; each is rebuilt alone when it was cleared.
    keys = {
        "nav_pages": NAV_CACHE_KEY.format(root=root_id),
        "portal_settings": SETTINGS_CACHE_KEY.format(site=site_id),
    }
    found = cache.get_many(keys.values())
    context = {}
    for name, loader in (("nav_pages", load), ("portal_settings", load_settings)):
        if keys[name] not in found:
            found[keys[name]] = loader()
            cache.set(keys[name], found[keys[name]], 3600)
        context[name] = found[keys[name]]
    return context
