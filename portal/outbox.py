"""E-mail outboxes: a row per e-mail, sent after commit by the task queue and retried with growing pauses.

The desk's notices (consultations.notifications) and the registrants' e-mails (knowledge.registration_mail)
keep their rows in models of their own; sending one attempt and retrying the due ones is the same for both.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryFields:
    """The names of a row's delivery fields (each model has a next_attempt_at as well)."""

    attempts: str = "attempts"
    error: str = "error"
    sent_at: str = "sent_at"


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes, capped at six hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def delivery_attempt(row, send: Callable[[], None], *, now: datetime, fields: DeliveryFields) -> bool:
    """Send one e-mail of a row the caller holds locked; record the outcome. True once sent.

    A failure of any kind (the mail server down, refusing, timing out) keeps the row with its error and the
    time of the next attempt.
    """
    attempts = getattr(row, fields.attempts) + 1
    setattr(row, fields.attempts, attempts)
    try:
        send()
    except Exception as error:
        logger.warning("E-mail %s %s failed: %s", row._meta.label, row.pk, error)
        setattr(row, fields.error, str(error)[:300])
        row.next_attempt_at = now + retry_delay(attempts)
        row.save(update_fields=[fields.attempts, fields.error, "next_attempt_at"])
        return False
    setattr(row, fields.sent_at, now)
    setattr(row, fields.error, "")
    row.next_attempt_at = None
    row.save(update_fields=[fields.attempts, fields.error, fields.sent_at, "next_attempt_at"])
    return True


def deliveries_retry(ids: Iterable[int], send_one: Callable[..., bool], *, now: datetime) -> tuple[int, int]:
    """Try each due row once more; returns (sent, still failing)."""
    sent = failed = 0
    for pk in ids:
        if send_one(pk, now=now):
            sent += 1
        else:
            failed += 1
    return sent, failed
