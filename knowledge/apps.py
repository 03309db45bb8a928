from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self):
        from django.core.cache import cache
        from django.db.models.signals import post_delete, post_save

        from knowledge.filters import CHOICES_CACHE_KEY
        from knowledge.models import Audience, Topic

        def forget(sender, **kwargs):
            cache.delete(CHOICES_CACHE_KEY.format(label=sender._meta.label_lower))

        for model in (Topic, Audience):
            post_save.connect(forget, sender=model, dispatch_uid=f"choices_{model.__name__}_saved")
            post_delete.connect(forget, sender=model, dispatch_uid=f"choices_{model.__name__}_deleted")
