from django.core.management.base import BaseCommand, CommandError

from outsourcing.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database while the site runs (SQLite: VACUUM INTO; "
        "PostgreSQL: pg_dump -Fc) to backups/outsourcing-<UTC time>.sqlite3|.dump or --output."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", "-o", help="Write to this file (it must not exist yet).")
        parser.add_argument(
            "--database", default="default", help="The database alias (default: default)."
        )

    def handle(self, *args, output: str | None = None, database: str = "default", **options):
        try:
            made = backup(output, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{made.path}  {made.size:,} bytes ({made.size / 2**20:.1f} MiB) "
            f"in {made.seconds:.2f} s"
        )
