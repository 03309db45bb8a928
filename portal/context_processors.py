from django.core.cache import cache
from wagtail.models import Site

NAV_CACHE_KEY = "portal:nav:{root}"
SETTINGS_CACHE_KEY = "portal:settings:{site}"
SETTINGS_FIELDS = ("organisation", "address", "email", "phone", "footer_text")


def navigation(request):
    """Top-level sections for the main menu; cached until a page is published, moved or removed."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"nav_pages": [], "portal_settings": {}}
    root_id = site.root_page_id

    def load():
        from wagtail.models import Page

        return list(
            Page.objects.filter(depth=site.root_page.depth + 1, path__startswith=site.root_page.path)
            .live()
            .in_menu()
            .order_by("path")
            .values("id", "title", "url_path")
        )

    def load_settings():
        from portal.models import PortalSettings

        obj = PortalSettings.for_site(site)
        data = {name: getattr(obj, name) for name in SETTINGS_FIELDS}
        for name in ("accessibility_page", "privacy_page"):
            page = getattr(obj, name)
            data[f"{name}_url"] = page.get_url(request) if page and page.live else None
        return data

    return {
        "nav_pages": cache.get_or_set(NAV_CACHE_KEY.format(root=root_id), load, 3600),
        "portal_settings": cache.get_or_set(SETTINGS_CACHE_KEY.format(site=site.pk), load_settings, 3600),
    }
