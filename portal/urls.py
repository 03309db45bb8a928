from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from knowledge import event_views
from portal import feeds, health, views
from portal.api import api_router
from search import views as search_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("konto/", include("portal.accounts.urls")),
    path("konsultacje/", include("consultations.urls")),
    path("szukaj/", search_views.search, name="search"),
    path("api/search/", search_views.search_api, name="search_api"),
    path("api/search/autocomplete/", search_views.autocomplete_api, name="search_autocomplete"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("health/", health.health, name="health"),
    path("feeds/materialy.rss", feeds.MaterialsFeed(), name="feed_materials_rss"),
    path("feeds/materialy.atom", feeds.MaterialsAtomFeed(), name="feed_materials_atom"),
    path("feeds/interpretacje.rss", feeds.InterpretationsFeed(), name="feed_interpretations_rss"),
    path("feeds/interpretacje.atom", feeds.InterpretationsAtomFeed(), name="feed_interpretations_atom"),
    path("feeds/wydarzenia.ics", event_views.events_feed, name="feed_events_ics"),
    path("jezyk/<str:code>/", views.switch_language, name="switch_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
