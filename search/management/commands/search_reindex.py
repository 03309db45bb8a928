import sys
import time

from django.core.management.base import BaseCommand

from search.backends import get_backend
from search.services import search_reindex


class Command(BaseCommand):
    help = "Rebuild the search index from all published pages, with a progress bar."

    def handle(self, *args, **options):
        started = time.monotonic()
        stream = self.stdout
        interactive = sys.stdout.isatty()

        def progress(done, total):
            if not interactive and done not in (total,) and done % 200:
                return
            width = 30
            filled = int(width * done / total) if total else width
            stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            stream.flush()

        count = search_reindex(progress=progress)
        self.stdout.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count} pages with the {get_backend().name} engine in {elapsed:.1f} s"
            )
        )
