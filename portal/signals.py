from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from portal.context_processors import NAV_CACHE_KEY, SETTINGS_CACHE_KEY, SITE_IDS_CACHE_KEY


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
    from wagtail.models import Site

    post_save.connect(_clear_site_ids, sender=Site, dispatch_uid="portal_site_ids_saved")
    post_delete.connect(_clear_site_ids, sender=Site, dispatch_uid="portal_site_ids_deleted")

    from django.contrib.auth import get_user_model
    from wagtail.users.models import UserProfile

    user_model = get_user_model()
    post_save.connect(_clear_userbar, sender=user_model, dispatch_uid="portal_userbar_user_saved")
    post_save.connect(_clear_userbar, sender=UserProfile, dispatch_uid="portal_userbar_profile_saved")
    for through in (user_model.groups.through, user_model.user_permissions.through):
        m2m_changed.connect(_clear_userbar, sender=through, dispatch_uid=f"portal_userbar_{through.__name__}")


def _clear_site_ids(**kwargs):
    cache.delete(SITE_IDS_CACHE_KEY)


def _clear_settings(instance, **kwargs):
    cache.delete(SETTINGS_CACHE_KEY.format(site=instance.site_id))


def _clear_userbar(instance, action=None, reverse=False, pk_set=None, **kwargs):
    from portal.templatetags.portal_tags import userbar_cache_clear

    if action is not None and not action.startswith("post_"):
        return
    # From a group's side the users are in pk_set; a whole group cleared is left to the cache's expiry.
    user_ids = (pk_set or ()) if reverse else [getattr(instance, "user_id", None) or instance.pk]
    for user_id in user_ids:
        userbar_cache_clear(user_id)
