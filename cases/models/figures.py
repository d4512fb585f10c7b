"""Figures stored beside a case so that its page never counts votes: the verdict per
perspective and the points of the verdict-over-time chart.

Both are written in the vote's transaction (cases/services/figures.py) and rebuilt from the
vote rows and VoteEvents by `manage.py recount_votes`.
"""

from django.db import models
from django.db.models import Q

from cases.models.cases import Case


class PerspectiveTally(models.Model):
    """The votes on a case from readers of one perspective (User.perspective)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perspective_tallies")
    perspective = models.CharField(max_length=12)
    votes_yes = models.PositiveIntegerField(default=0)
    votes_no = models.PositiveIntegerField(default=0)
    votes_depends = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "perspective"], name="perspective_tally_one_per_case"
            ),
            models.CheckConstraint(
                condition=~Q(perspective=""), name="perspective_tally_has_perspective"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.perspective} on {self.case_id}"

    @property
    def total(self) -> int:
        return self.votes_yes + self.votes_no + self.votes_depends


class VerdictPoint(models.Model):
    """The verdict after every CHART_BUCKET-th vote event of a case: one chart point.

    Bucket b holds the counts after event min((b + 1) × CHART_BUCKET, Case.event_count); the row of
    the current bucket is updated by each vote until the bucket is full.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verdict_points")
    bucket = models.PositiveIntegerField()
    events = models.PositiveIntegerField()  # events counted up to this point
    votes = models.PositiveIntegerField()  # votes standing after them
    yes = models.PositiveIntegerField()  # of which "made sense"
    at = models.DateTimeField()  # when the last of those events happened

    class Meta:
        ordering = ["case", "bucket"]
        constraints = [
            models.UniqueConstraint(fields=["case", "bucket"], name="verdict_point_one_per_bucket"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.bucket}: {self.yes}/{self.votes}"
