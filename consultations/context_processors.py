from django.utils.functional import SimpleLazyObject


def desk(request):
    """The signed-in person's unread notices, counted only when a template shows them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread():
        from consultations.selectors import unread_notification_count

        return unread_notification_count(user_id=user.pk)

    return {"unread_notifications": SimpleLazyObject(unread)}
