from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from consultations.models import Notification

        post_save.connect(_forget_unread, sender=Notification, dispatch_uid="desk_unread_saved")
        post_delete.connect(_forget_unread, sender=Notification, dispatch_uid="desk_unread_deleted")


def _forget_unread(instance, **kwargs):
    from consultations.selectors import unread_notification_count_forget

    unread_notification_count_forget(user_id=instance.recipient_id)
