"""Figures stored beside a case so that its page never counts votes: the verdict per
perspective and the points of the verdict-over-time chart.

Both are written in the vote's transaction (cases/services/figures.py) and rebuilt from the
vote rows and VoteEvents by `manage.py recount_votes`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.cases import Case


class PerspectiveTally(models.Model):
    """The votes on a case from readers of one perspective (User.perspective)."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="perspective_tallies", verbose_name=_("case")
    )
    perspective = models.CharField(_("perspective"), max_length=12)
    votes_yes = models.PositiveIntegerField(_("votes “made sense”"), default=0)
    votes_no = models.PositiveIntegerField(_("votes “did not make sense”"), default=0)
    votes_depends = models.PositiveIntegerField(_("votes “it depends”"), default=0)

    class Meta:
        verbose_name = _("verdict of a perspective")
        verbose_name_plural = _("verdicts of perspectives")
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

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="verdict_points", verbose_name=_("case")
    )
    bucket = models.PositiveIntegerField(_("bucket"))
    # events counted up to this point
    events = models.PositiveIntegerField(_("votes cast and changed"))
    votes = models.PositiveIntegerField(_("votes"))  # votes standing after them
    yes = models.PositiveIntegerField(_("votes “made sense”"))  # of which "made sense"
    at = models.DateTimeField(_("when"))  # when the last of those events happened

    class Meta:
        verbose_name = _("chart point")
        verbose_name_plural = _("chart points")
        ordering = ["case", "bucket"]
        constraints = [
            models.UniqueConstraint(fields=["case", "bucket"], name="verdict_point_one_per_bucket"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.bucket}: {self.yes}/{self.votes}"
