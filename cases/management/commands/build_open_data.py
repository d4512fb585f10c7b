from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from cases.open_data import build_exports


class Command(BaseCommand):
    help = (
        "Build the open-data files of /data/ now (the published cases as JSON, the verdicts "
        "and the anonymised vote matrix as CSV); the worker also builds them every night."
    )

    def handle(self, *args, **options) -> None:
        for name, built in build_exports().items():
            self.stdout.write(
                f"{name}: {built['rows']} row(s), {filesizeformat(built['size'])} in "
                f"{built['seconds']} s → {built['path']}"
            )
