from django.core.management.base import BaseCommand

from knowledge.services import review_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail each page owner the content whose review date has passed or falls within 30 days (run daily)."
    )

    def handle(self, *args, **options):
        sent = review_reminders_send()
        self.stdout.write(self.style.SUCCESS(f"Sent {sent.mails} reminder(s) covering {sent.pages} page(s)."))
