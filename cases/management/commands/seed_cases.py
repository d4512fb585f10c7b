from django.core.management.base import BaseCommand

from cases.seeding import seed_cases


class Command(BaseCommand):
    help = (
        "Load the seven seed cases and their categories, in English and German; existing ones "
        "are left as they are."
    )

    def handle(self, *args, **options) -> None:
        report = seed_cases()
        for slug in report.created:
            self.stdout.write(f"created  {slug}")
        for name in report.translated:
            self.stdout.write(f"translated  {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seed cases: {len(report.created)} created, {len(report.existing)} already there, "
                f"{len(report.translated)} translations added."
            )
        )
