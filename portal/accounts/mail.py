"""Account e-mails rendered from templates under accounts/mail/, always in the portal's default language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def mail_send(name: str, to: list[str], context: dict) -> None:
    """Send accounts/mail/<name>_subject.txt and <name>.txt to the given addresses."""
    if not to:
        return
    context = {"site_name": settings.WAGTAIL_SITE_NAME, "site_url": absolute_url("/"), **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"accounts/mail/{name}_subject.txt", context)
        body = render_to_string(f"accounts/mail/{name}.txt", context)
    send_mail(" ".join(subject.split()), body, None, to)
