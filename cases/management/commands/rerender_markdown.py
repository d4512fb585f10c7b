from django.core.management.base import BaseCommand
from django.db import transaction

from cases.markdown import render_markdown
from cases.models import Case, CaseTranslation, Comment


class Command(BaseCommand):
    help = (
        "Render every case story (and its translations) and comment body again into its "
        "stored HTML: run it after changing the Markdown extensions or the sanitiser's "
        "allow-list (cases/markdown.py)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only report rows whose stored HTML differs; change nothing (exit 1 if any).",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        stale = 0
        for model, source, target in (
            (Case, "story", "story_html"),
            (CaseTranslation, "story", "story_html"),
            (Comment, "body", "body_html"),
        ):
            rows = model.objects.only("pk", source, target).order_by("pk")
            for row in rows.iterator(chunk_size=2_000):
                html = render_markdown(getattr(row, source))
                if html == getattr(row, target):
                    continue
                stale += 1
                if not check:
                    with transaction.atomic():
                        # Re-read under the lock: an edit since the scan has rendered itself.
                        locked = model.objects.select_for_update().only(source).get(pk=row.pk)
                        model.objects.filter(pk=row.pk).update(
                            **{target: render_markdown(getattr(locked, source))}
                        )
        label = "stale" if check else "rendered again"
        self.stdout.write(f"{stale} row(s) {label}.")
        if check and stale:
            raise SystemExit(1)
