from django.core.management.base import BaseCommand

from cases.services import recount_votes


class Command(BaseCommand):
    help = "Rebuild every case's vote tallies from its vote rows and report any drift."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report drift; change nothing (exit 1 on drift).",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        drifts = recount_votes(fix=not check)
        for drift in drifts:
            self.stdout.write(
                f"{drift.case.slug}: stored yes/no/depends {drift.stored}, counted {drift.counted}"
            )
        if not drifts:
            self.stdout.write(self.style.SUCCESS("All tallies match the votes."))
        elif check:
            self.stderr.write(f"{len(drifts)} case(s) drifted; run without --check to fix.")
            raise SystemExit(1)
        else:
            self.stdout.write(self.style.WARNING(f"Fixed {len(drifts)} case(s)."))
