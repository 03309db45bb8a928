"""Account e-mails, sent from the task queue after the transaction that caused them commits."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from consultations.choices import OfficialStatus
from consultations.models import Official

from . import mail, tokens


@task()
def verification_email_task(user_id: int) -> None:
    user = get_user_model().objects.filter(pk=user_id, official__status=OfficialStatus.UNVERIFIED).first()
    if user is None:
        return
    link = reverse("account_verify_email", kwargs={"token": tokens.email_verification_token(user)})
    mail.mail_send(
        "verify_email",
        [user.email],
        {"user": user, "link": mail.absolute_url(link), "days": settings.ACCOUNT_VERIFY_EMAIL_DAYS},
    )


@task()
def coordinators_notify_task(official_id: int) -> None:
    from .selectors import coordinator_recipients

    official = Official.objects.select_related("user", "municipality").filter(pk=official_id).first()
    if official is None or official.status != OfficialStatus.PENDING:
        return
    recipients = list(coordinator_recipients().values_list("email", flat=True))
    mail.mail_send(
        "approval_needed",
        recipients,
        {"official": official, "link": mail.absolute_url(reverse("account_approval_list"))},
    )


@task()
def official_decision_email_task(official_id: int, reason: str) -> None:
    official = Official.objects.select_related("user", "municipality").filter(pk=official_id).first()
    if official is None:
        return
    name = {OfficialStatus.ACTIVE: "official_approved", OfficialStatus.REJECTED: "official_rejected"}.get(
        official.status
    )
    if name is None:
        return
    mail.mail_send(
        name,
        [official.user.email],
        {"official": official, "reason": reason, "link": mail.absolute_url(reverse("account_login"))},
    )


@task()
def password_reset_email_task(user_id: int) -> None:
    """The link is made here from the account as it is now, so a queued e-mail carries a fresh token."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not user.email:
        return
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    mail.mail_send("password_reset", [user.email], {"user": user, "link": mail.absolute_url(path)})
