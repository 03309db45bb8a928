from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.importer import ImportLineError, parse_lines
from knowledge.services import content_import


class Command(BaseCommand):
    help = "Create or update published pages from a JSON Lines file (one page per line, matched by id)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Path to the .jsonl file")

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            with file.open(encoding="utf-8") as fh:
                items = parse_lines(fh)
            result = content_import(items)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc.reason})") from None
        except ImportLineError as exc:
            reason = exc.reason.rstrip(".")
            raise CommandError(f"{file}, line {exc.line_number}: {reason}. Nothing was imported.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {len(items)} pages from {file}: "
                f"{result.created} created, {result.updated} updated."
            )
        )
