"""The authentication backend of the portal: Django's model backend, with the desk role read at sign-in."""

from django.contrib.auth.backends import ModelBackend

from consultations.selectors import users_with_desk_role


class DeskRoleBackend(ModelBackend):
    """Passwords and permissions as ModelBackend; each request's user arrives with their desk role.

    The middleware reads the signed-in user on every request and the desk views then asked again for the
    adviser, official and coordinator rows; one query with the joins serves both.
    """

    def get_user(self, user_id):
        user = users_with_desk_role().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
