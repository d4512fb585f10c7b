from django.core.management.base import BaseCommand

from cases.services import recount_votes


class Command(BaseCommand):
    help = (
        "Rebuild every stored figure (tallies, the blind verdict and its shift, counts, sort "
        "scores, perspective tallies, chart points, comment scores, the foresight and hindsight "
        "verdicts) from the rows they summarise, and report any drift."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report drift; change nothing (exit 1 on drift).",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        drifts = recount_votes(fix=not check)
        for drift in drifts:
            self.stdout.write(str(drift))
        if not drifts:
            self.stdout.write(self.style.SUCCESS("Every stored figure matches its rows."))
        elif check:
            self.stderr.write(f"{len(drifts)} figure(s) drifted; run without --check to fix.")
            raise SystemExit(1)
        else:
            self.stdout.write(self.style.WARNING(f"Fixed {len(drifts)} figure(s)."))
