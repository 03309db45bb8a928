from wagtail.models import Site


def navigation(request):
    """Top-level sections for the main menu, looked up once per request."""
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"nav_pages": [], "home_page": None}
    root = site.root_page
    return {
        "home_page": root,
        "nav_pages": lambda: list(root.get_children().live().in_menu().only("id", "title", "url_path", "slug")),
    }
