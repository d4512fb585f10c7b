import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.importing import ImportFormatError, import_cases

# Files with more cases than this show a progress bar on stderr.
PROGRESS_THRESHOLD = 20
BAR_WIDTH = 30


def _plain(text: str) -> str:
    """Progress is not an error: no red on a terminal."""
    return text


class Command(BaseCommand):
    help = (
        "Import cases from a JSON file (see the README, 'Importing and exporting cases') as "
        "drafts; cases whose slug exists are skipped, invalid ones are rejected with reasons."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="A JSON file written by export_cases (or the seed file).")

    def handle(self, *args, file: str, **options) -> None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from None

        cases = data.get("cases") if isinstance(data, dict) else None
        total = len(cases) if isinstance(cases, list) else 0
        progress = self._progress if total > PROGRESS_THRESHOLD else None
        try:
            report = import_cases(data, progress=progress)
        except ImportFormatError as error:
            raise CommandError(f"{path}: {error}") from None

        for slug in report.created:
            self.stdout.write(f"created   {slug}")
        for slug in report.skipped:
            self.stdout.write(f"skipped   {slug} (a case with this slug exists)")
        for label, reasons in report.rejected:
            self.stdout.write(self.style.WARNING(f"rejected  {label}:"))
            for reason in reasons:
                self.stdout.write(f"    - {reason}")
        summary = (
            f"Import: {len(report.created)} created (as drafts), "
            f"{len(report.skipped)} skipped as duplicates, {len(report.rejected)} rejected."
        )
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(summary))

    def _progress(self, done: int, total: int) -> None:
        """A bar redrawn in place on a terminal; a line every tenth of the way otherwise."""
        if self.stderr.isatty():
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            ending = "\n" if done == total else ""
            self.stderr.write(f"\r[{bar}] {done}/{total}", style_func=_plain, ending=ending)
            self.stderr.flush()
            return
        step = max(1, total // 10)
        if done % step == 0 or done == total:
            self.stderr.write(f"Imported {done}/{total} cases", style_func=_plain)
