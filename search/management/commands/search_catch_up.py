from django.core.management.base import BaseCommand, CommandError

from search.models import PendingIndexWrite
from search.services import pending_replay


class Command(BaseCommand):
    help = (
        "Send Elasticsearch the index changes it missed while it was unreachable "
        "(run every few minutes, e.g. from cron; does nothing when nothing is pending)."
    )

    def handle(self, *args, **options):
        pending = PendingIndexWrite.objects.count()
        if not pending:
            self.stdout.write("Nothing pending.")
            return
        try:
            replayed = pending_replay()
        except Exception as exc:
            raise CommandError(
                f"Elasticsearch still unreachable, {pending} changes stay pending: {exc}"
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Replayed {replayed} pending index changes."))
