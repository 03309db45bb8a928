from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.context_processors import NAV_CACHE_KEY, SETTINGS_CACHE_KEY


def _clear_navigation(**kwargs):
    from wagtail.models import Site

    from knowledge.selectors import TOPICS_URL_CACHE_KEY
    from portal.models import HOME_CACHE_KEY

    keys = [TOPICS_URL_CACHE_KEY]
    for site_id, root_id in Site.objects.values_list("pk", "root_page_id"):
        keys += [
            NAV_CACHE_KEY.format(root=root_id),
            SETTINGS_CACHE_KEY.format(site=site_id),
            HOME_CACHE_KEY.format(page=root_id),
        ]
    cache.delete_many(keys)


def connect():
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from knowledge.models import Audience, GlossaryTerm, Municipality, SocialService, Topic
    from portal.cache import page_cache_clear

    page_published.connect(page_cache_clear, dispatch_uid="portal_pages_published")
    page_unpublished.connect(page_cache_clear, dispatch_uid="portal_pages_unpublished")
    post_page_move.connect(page_cache_clear, dispatch_uid="portal_pages_moved")
    post_delete.connect(page_cache_clear, sender=Page, dispatch_uid="portal_pages_deleted")
    for model in (
        Topic,
        Audience,
        SocialService,
        Municipality,
        GlossaryTerm,
        get_image_model(),
        get_document_model(),
    ):
        post_save.connect(page_cache_clear, sender=model, dispatch_uid=f"portal_pages_{model.__name__}_saved")
        post_delete.connect(
            page_cache_clear, sender=model, dispatch_uid=f"portal_pages_{model.__name__}_deleted"
        )

    page_published.connect(_clear_navigation, dispatch_uid="portal_nav_published")
    page_unpublished.connect(_clear_navigation, dispatch_uid="portal_nav_unpublished")
    post_page_move.connect(_clear_navigation, dispatch_uid="portal_nav_moved")
    post_delete.connect(_clear_navigation, sender=Page, dispatch_uid="portal_nav_deleted")
    from portal.models import PortalSettings

    post_save.connect(page_cache_clear, sender=PortalSettings, dispatch_uid="portal_pages_settings_saved")
    post_save.connect(_clear_settings, sender=PortalSettings, dispatch_uid="portal_settings_saved")


def _clear_settings(instance, **kwargs):
    cache.delete(SETTINGS_CACHE_KEY.format(site=instance.site_id))
