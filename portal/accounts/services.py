"""Account changes: sign-up, e-mail verification, approval by a coordinator, and the failed-login lockout."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations.choices import OfficialStatus
from consultations.models import Official, VerifiedDomain

from . import tasks

logger = logging.getLogger(__name__)

S = OfficialStatus
# The one table of allowed official status moves; official_transition refuses everything else.
OFFICIAL_TRANSITIONS: dict[str, frozenset[str]] = {
    S.UNVERIFIED: frozenset({S.PENDING, S.ACTIVE}),
    S.PENDING: frozenset({S.ACTIVE, S.REJECTED}),
    S.ACTIVE: frozenset(),
    S.REJECTED: frozenset(),
}

NOT_PENDING = _("This account is not awaiting approval.")


def official_register(
    *,
    first_name: str,
    last_name: str,
    email: str,
    position: str,
    municipality,
    password: str,
) -> Official:
    """Create an inactive account with its e-mail as login, and send the verification link after commit."""
    User = get_user_model()
    email = email.strip().lower()
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_active=False,
            is_staff=False,
        )
        user.set_password(password)
        user.save()
        official = Official.objects.create(
            user=user, municipality=municipality, position=position.strip(), status=S.UNVERIFIED
        )
        transaction.on_commit(lambda: tasks.verification_email_task.enqueue(user.pk))
    return official


def verification_email_resend(*, email: str) -> None:
    """Send a fresh link if an unverified account has this address; silent otherwise, to reveal nothing."""
    official = (
        Official.objects.filter(user__email__iexact=email.strip(), status=S.UNVERIFIED)
        .select_related("user")
        .first()
    )
    if official is not None:
        user_id = official.user_id
        transaction.on_commit(lambda: tasks.verification_email_task.enqueue(user_id))


def _domain_verified(official: Official) -> bool:
    domain = official.user.email.rpartition("@")[2].lower()
    return VerifiedDomain.objects.filter(municipality_id=official.municipality_id, domain=domain).exists()


def official_transition(official: Official, to_status: str) -> None:
    if to_status not in OFFICIAL_TRANSITIONS[official.status]:
        raise ValidationError(NOT_PENDING)
    official.status = to_status


def official_verify_email(*, user_id: int, email: str, now: dt.datetime | None = None) -> Official:
    """Mark the address verified; active at once on a verified municipal domain, else await approval."""
    now = now or timezone.now()
    with transaction.atomic():
        official = Official.objects.select_for_update().select_related("user").get(user_id=user_id)
        user = official.user
        if user.email.lower() != email:
            raise Official.DoesNotExist
        if official.status != S.UNVERIFIED:
            return official
        official.email_verified_at = now
        if _domain_verified(official):
            official_transition(official, S.ACTIVE)
            official.approved_at = now
            user.is_active = True
            user.save(update_fields=["is_active"])
        else:
            official_transition(official, S.PENDING)
            transaction.on_commit(lambda: tasks.coordinators_notify_task.enqueue(official.pk))
        official.save(update_fields=["status", "email_verified_at", "approved_at"])
    return official


def _audit(actor, official: Official, message: str) -> None:
    LogEntry.objects.log_actions(actor.pk, [official], CHANGE, change_message=message, single_object=True)


def official_approve(*, actor, official_id: int, now: dt.datetime | None = None) -> Official:
    now = now or timezone.now()
    with transaction.atomic():
        official = Official.objects.select_for_update().select_related("user").get(pk=official_id)
        official_transition(official, S.ACTIVE)
        official.approved_at = now
        official.approved_by = actor
        official.save(update_fields=["status", "approved_at", "approved_by"])
        official.user.is_active = True
        official.user.save(update_fields=["is_active"])
        _audit(actor, official, "Approved the official's account.")
        transaction.on_commit(lambda: tasks.official_decision_email_task.enqueue(official.pk, ""))
    logger.info("official %s approved by %s", official.pk, actor.pk)
    return official


def official_reject(*, actor, official_id: int, reason: str) -> Official:
    reason = reason.strip()
    with transaction.atomic():
        official = Official.objects.select_for_update().select_related("user").get(pk=official_id)
        official_transition(official, S.REJECTED)
        official.approved_by = actor
        official.save(update_fields=["status", "approved_by"])
        official.user.is_active = False
        official.user.save(update_fields=["is_active"])
        _audit(actor, official, f"Rejected the official's account: {reason}")
        transaction.on_commit(lambda: tasks.official_decision_email_task.enqueue(official.pk, reason))
    logger.info("official %s rejected by %s", official.pk, actor.pk)
    return official


# Failed sign-ins are counted per account in the shared cache. Unknown logins are counted under the name
# typed, so a locked-out answer looks the same whether or not the account exists.


@dataclass(frozen=True)
class Lockout:
    locked: bool
    minutes: int


def login_account_key(user, identifier: str) -> str:
    return f"user:{user.pk}" if user is not None else f"name:{identifier.strip().lower()[:150]}"


def _fail_key(account_key: str) -> str:
    return f"accounts:login-failures:{account_key}"


def _lock_key(account_key: str) -> str:
    return f"accounts:login-locked:{account_key}"


def login_lockout(account_key: str, *, now: dt.datetime | None = None) -> Lockout:
    now = now or timezone.now()
    until = cache.get(_lock_key(account_key))
    if until is None or until <= now.timestamp():
        return Lockout(False, 0)
    return Lockout(True, max(1, int((until - now.timestamp() + 59) // 60)))


def login_failure_record(account_key: str, *, now: dt.datetime | None = None) -> Lockout:
    """Count one failure; the Nth failure within the window locks the account for the window."""
    now = now or timezone.now()
    window = settings.ACCOUNT_LOCKOUT_MINUTES * 60
    key = _fail_key(account_key)
    cache.add(key, 0, timeout=window)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        failures = 1
    if failures >= settings.ACCOUNT_LOCKOUT_FAILURES:
        cache.set(_lock_key(account_key), now.timestamp() + window, timeout=window)
        cache.delete(key)
        logger.warning("sign-in locked for %s after %s failures", account_key, failures)
        return Lockout(True, settings.ACCOUNT_LOCKOUT_MINUTES)
    return Lockout(False, 0)


def login_failures_clear(account_key: str) -> None:
    cache.delete(_fail_key(account_key))


INVALID_LOGIN = _("The login or password is incorrect. Check them and try again.")
LOCKED_LOGIN = _(
    "Too many failed sign-in attempts. Signing in to this account is blocked for %(minutes)s minutes. "
    "You can reset your password in the meantime."
)
STATE_MESSAGES = {
    S.UNVERIFIED: _(
        "Verify your e-mail address first: open the link we sent you when you signed up. "
        "You can ask for a new link below."
    ),
    S.PENDING: _(
        "Your e-mail address is verified and your account is awaiting approval by the coordinator. "
        "We will e-mail you once it is approved."
    ),
    S.REJECTED: _(
        "The coordinator did not approve this account. "
        "If you think this is a mistake, contact the coordinator."
    ),
}
INACTIVE_LOGIN = _("This account is disabled. Contact the coordinator.")


@dataclass(frozen=True)
class LoginOutcome:
    user: object | None = None
    error: str = ""
    state: str = ""


def login_check(*, identifier: str, password: str, now: dt.datetime | None = None) -> LoginOutcome:
    """Check a login and password against the lockout, the password and the account's state."""
    from .selectors import user_find_by_login

    user = user_find_by_login(identifier)
    key = login_account_key(user, identifier)
    lockout = login_lockout(key, now=now)
    if lockout.locked:
        return LoginOutcome(error=LOCKED_LOGIN % {"minutes": lockout.minutes}, state="locked")
    if user is None:
        # Spend the same time hashing as for a real account, so timing does not tell them apart.
        get_user_model()().set_password(password)
        ok = False
    else:
        ok = user.check_password(password)
    if not ok:
        lockout = login_failure_record(key, now=now)
        if lockout.locked:
            return LoginOutcome(error=LOCKED_LOGIN % {"minutes": lockout.minutes}, state="locked")
        return LoginOutcome(error=INVALID_LOGIN, state="invalid")
    login_failures_clear(key)
    # From here the password is right, so telling the owner why they cannot sign in reveals nothing new.
    official = Official.objects.filter(user=user).first()
    if official is not None and official.status != S.ACTIVE and not user.is_staff:
        return LoginOutcome(user=user, error=STATE_MESSAGES[official.status], state=official.status)
    if not user.is_active:
        return LoginOutcome(user=user, error=INACTIVE_LOGIN, state="inactive")
    return LoginOutcome(user=user)
