from django.utils.functional import SimpleLazyObject


def desk(request):
    """The signed-in person's unread notices, counted only when a template shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        from consultations.models import Notification

        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
