from django.core.management.base import BaseCommand

from cases.seed_links import seed_links
from cases.seed_outcomes import seed_outcomes
from cases.seeding import seed_cases


class Command(BaseCommand):
    help = (
        "Load the seven seed cases and their categories, in English and German, the links "
        "between related ones and the first case's outcome; existing ones are left as they are."
    )

    def handle(self, *args, **options) -> None:
        report = seed_cases()
        for slug in report.created:
            self.stdout.write(f"created  {slug}")
        for name in report.translated:
            self.stdout.write(f"translated  {name}")
        for pair in seed_links():
            self.stdout.write(f"linked  {pair}")
        for slug in seed_outcomes():
            self.stdout.write(f"outcome  {slug}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed cases: {len(report.created)} created, {len(report.existing)} already there, "
                f"{len(report.translated)} translations added."
            )
        )
