from django.core.management.base import BaseCommand, CommandError

from outsourcing.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Read a backup made by `manage.py backup` into an empty database (SQLite: a new file; "
        "PostgreSQL: a fresh createdb). Refuses a database that holds data unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup file (.sqlite3 or .dump).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace whatever the database holds (take a backup of it first).",
        )
        parser.add_argument(
            "--database", default="default", help="The database alias (default: default)."
        )

    def handle(self, *args, path: str, force: bool = False, database: str = "default", **options):
        try:
            done = restore(path, force=force, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(done))
        self.stdout.write(
            "Next: `manage.py migrate` (if the code is newer than the backup), then "
            "`manage.py recount_votes --check`."
        )
