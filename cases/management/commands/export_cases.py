import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.importing import export_cases
from cases.models import Case


class Command(BaseCommand):
    help = (
        "Write cases as JSON (the format import_cases reads), ordered by slug, to stdout or "
        "--output FILE."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="Write to this file instead of stdout.")
        parser.add_argument(
            "--status",
            choices=Case.Status.values,
            help="Only cases with this status (default: all).",
        )

    def handle(self, *args, output: str | None = None, status: str | None = None, **options):
        cases = Case.objects.all()
        if status:
            cases = cases.filter(status=status)
        data = export_cases(cases)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error}") from None
        self.stderr.write(
            f"Exported {len(data['cases'])} case(s) to {output}.", style_func=lambda text: text
        )
