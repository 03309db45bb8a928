"""Periodic work of event registration; run it every few minutes from the scheduler."""

from django.core.management.base import BaseCommand

from knowledge import registration, registration_mail


class Command(BaseCommand):
    help = (
        "Retry unsent registration e-mails, fill places freed by a larger capacity from the waiting list, "
        "remind participants the day before and anonymise registrations after the retention period."
    )

    def handle(self, *args, **options):
        sent, failing = registration_mail.emails_retry()
        promoted = registration.registrations_promote()
        reminded = registration.registrations_remind()
        anonymised = registration.registrations_anonymise()
        self.stdout.write(
            f"e-mails sent {sent} (still failing {failing}), promoted from waiting lists {promoted}, "
            f"reminders {reminded}, registrations anonymised {anonymised}"
        )
