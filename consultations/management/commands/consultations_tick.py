"""The desk's periodic work; run it every few minutes from the scheduler (cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from consultations import notifications, services


class Command(BaseCommand):
    help = (
        "Retry unsent e-mails, remind assignees, escalate overdue cases, close answered cases after the "
        "window, anonymise expired cases and forget abandoned uploads."
    )

    def handle(self, *args, **options):
        sent, failing = notifications.notifications_retry()
        reminded, escalated = services.consultations_remind()
        closed = services.consultations_auto_close()
        anonymised = services.consultations_anonymise_expired()
        forgotten = services.pending_uploads_clear()
        self.stdout.write(
            f"e-mails sent {sent} (still failing {failing}), reminders {reminded}, escalations {escalated}, "
            f"auto-closed {closed}, anonymised {anonymised}, abandoned uploads removed {forgotten}"
        )
