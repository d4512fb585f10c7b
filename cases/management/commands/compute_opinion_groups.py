from django.core.management.base import BaseCommand

from cases.services.opinion_groups import compute_opinion_groups


class Command(BaseCommand):
    help = (
        "Find the opinion groups across cases (PCA and k-means on every reader's votes, "
        "cases/opinion_groups.py) and store them in place of the last run's, with the time "
        "taken. The worker runs it every night (cases/tasks.py)."
    )

    def handle(self, *args, **options) -> None:
        computed = compute_opinion_groups()
        run = computed.run
        self.stdout.write(
            f"Read {computed.votes_read} votes in {computed.read_seconds:.1f} s; "
            f"{run.votes} votes of {run.readers} readers on {run.cases} cases took part."
        )
        if run.k:
            self.stdout.write(
                f"Found {run.k} groups (silhouette {run.silhouette:.3f}) in "
                f"{computed.compute_seconds:.1f} s; stored in {computed.store_seconds:.1f} s."
            )
        else:
            self.stdout.write(self.style.WARNING("Too few readers or cases to find groups."))
        bridging = computed.bridging
        self.stdout.write(
            f"Bridging scores: {bridging.scored} comments rated enough by a group; "
            f"{bridging.changed} changed."
        )
        self.stdout.write(self.style.SUCCESS(f"Done in {run.seconds:.1f} s."))
