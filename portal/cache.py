"""Full-page cache for anonymous visitors, cleared whenever published content changes.

Built on Django's cache middleware. The page cache has its own cache alias ("pages"), so clearing it on
publish leaves other cached data alone. It must be shared by all app processes (a file cache on the
embedded default, Redis when REDIS_URL is set) so that one clear reaches every worker.
"""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.utils.cache import patch_cache_control

PAGE_CACHE = "pages"
UNCACHED_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/i18n/", "/jezyk/")
# Every search is logged for the editors' analytics, and search keeps its own results cache (cleared on
# every index change), so searches never come from the page cache.
UNCACHED_PATHS = ("/szukaj/", "/api/search/")


def _anonymous_page_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(UNCACHED_PREFIXES)
        and request.path not in UNCACHED_PATHS
    )


class PageCacheUpdateMiddleware(UpdateCacheMiddleware):
    def process_response(self, request, response):
        if not _anonymous_page_request(request):
            return response
        response = super().process_response(request, response)
        return _revalidate_in_browser(response)


class PageCacheFetchMiddleware(FetchFromCacheMiddleware):
    def process_request(self, request):
        if not _anonymous_page_request(request):
            request._cache_update_cache = False
            return None
        response = super().process_request(request)
        return _revalidate_in_browser(response) if response is not None else None


def _revalidate_in_browser(response):
    # Views marked never_cache (forms, personal pages) keep their private, no-store header.
    if "private" in response.get("Cache-Control", ""):
        return response
    # The server-side copy is cleared on publish; browsers must not keep their own copy for minutes.
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return response  # the view said never to store it (forms, personal pages): keep that
    if "Expires" in response:
        del response["Expires"]
    if not control or "max-age" in control:
        response.headers.pop("Cache-Control", None)
        patch_cache_control(response, no_cache=True, public=True)
    return response


def page_cache_clear(**kwargs):
    """Drop every cached page once the current transaction commits (immediately outside one)."""
    transaction.on_commit(caches[PAGE_CACHE].clear)
