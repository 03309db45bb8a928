from django.core.management.base import BaseCommand, CommandError

from knowledge.importer import ImportLineError
from portal.demo import demo_load


class Command(BaseCommand):
    help = "Load the Polish demo content, people and files (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--glossary-only", action="store_true", help="Load only the glossary terms.")

    def handle(self, *args, glossary_only=False, **options):
        if glossary_only:
            from portal.demo import glossary_load

            count = glossary_load()
            self.stdout.write(self.style.SUCCESS(f"Glossary ready: {count} terms."))
            return
        try:
            summary = demo_load()
        except ImportLineError as exc:
            raise CommandError(f"Demo content, line {exc.line_number}: {exc.reason}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {summary['created']} pages created, {summary['updated']} updated, "
                f"{summary['glossary']} glossary terms."
            )
        )
