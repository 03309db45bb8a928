import time

from django.core.management.base import BaseCommand

from portal.demo_scale import scale_clear, scale_up


class Command(BaseCommand):
    help = (
        "Scale the demo content up for benchmarks: knowledge pages to --pages in total and generated "
        "consultation cases to --cases (loads the demo first on an empty portal; safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--pages", type=int, default=10_000, help="knowledge pages in total")
        parser.add_argument("--cases", type=int, default=0, help="generated consultation cases in total")
        parser.add_argument("--fresh", action="store_true", help="remove generated pages and cases first")
        parser.add_argument("--no-reindex", action="store_true", help="leave the search index alone")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, pages, cases, fresh, no_reindex, seed, **options):
        from consultations.models import Adviser
        from portal.demo import demo_load

        started = time.monotonic()
        # Only on an empty portal: the demo loader walks all pages of some types, generated ones included.
        if not Adviser.objects.exists():
            demo_load()
        if fresh:
            removed_pages, removed_cases = scale_clear()
            self.stdout.write(f"removed {removed_pages} generated pages and {removed_cases} cases")
        result = scale_up(
            pages=pages,
            cases=cases,
            seed=seed,
            reindex=not no_reindex,
            log=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(
            f"created {result.pages_created} pages ({result.pages_total} knowledge pages in total) and "
            f"{result.cases_created} cases ({result.cases_total} generated in total) "
            f"in {time.monotonic() - started:.1f} s"
        )
