"""Opinion groups across cases: the community's camps as `manage.py compute_opinion_groups`
last found them (cases/opinion_groups.py finds them, cases/services/opinion_groups.py stores
them), so that pages read stored numbers and compute nothing.

Only the latest run's groups, memberships and shares are kept: each run replaces them in one
transaction, so a page reads them without asking which run is current, and a reader belongs
to at most one group. The runs themselves stay, one small row each, as the history of how
many groups were found and how long it took.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.cases import Case

GROUP_LABEL_MAX = 80
GROUP_AUTO_LABEL_MAX = 300


class OpinionGroupRun(models.Model):
    """One computation of the opinion groups."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    k = models.PositiveSmallIntegerField(_("groups found"))
    readers = models.PositiveIntegerField(_("readers taking part"))
    cases = models.PositiveIntegerField(_("cases taking part"))
    votes = models.PositiveIntegerField(_("votes taking part"))
    silhouette = models.FloatField(_("silhouette score"))
    seconds = models.FloatField(_("seconds taken"))

    class Meta:
        verbose_name = _("opinion-group computation")
        verbose_name_plural = _("opinion-group computations")
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}: k={self.k}"


class OpinionGroup(models.Model):
    """One group of the latest run: readers who tend to answer the same cases the same way."""

    run = models.ForeignKey(
        OpinionGroupRun, on_delete=models.CASCADE, related_name="groups", verbose_name=_("run")
    )
    number = models.PositiveSmallIntegerField(_("number"))  # 1 = the largest group
    size = models.PositiveIntegerField(_("members"))
    centre_x = models.FloatField(_("centre, first dimension"))
    centre_y = models.FloatField(_("centre, second dimension"))
    # A curator's name for the group; blank: the automatic one is shown.
    label = models.CharField(_("label"), max_length=GROUP_LABEL_MAX, blank=True)
    # Built from the cases where the group stands furthest from the others, in the site's
    # language when the run stored it.
    label_auto = models.CharField(_("automatic label"), max_length=GROUP_AUTO_LABEL_MAX, blank=True)

    class Meta:
        verbose_name = _("opinion group")
        verbose_name_plural = _("opinion groups")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="opinion_group_one_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="opinion_group_number_from_1"),
        ]

    def __str__(self) -> str:
        return self.shown_label

    @property
    def shown_label(self) -> str:
        return self.label or self.label_auto or _("Group %(number)d") % {"number": self.number}


class ReaderGroup(models.Model):
    """The group a reader is closest to (in the latest run). Shown only to the reader."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="opinion_group",
        verbose_name=_("reader"),
    )
    group = models.ForeignKey(
        OpinionGroup,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("opinion group"),
    )

    class Meta:
        verbose_name = _("reader's opinion group")
        verbose_name_plural = _("readers' opinion groups")

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id}"


class GroupCaseShare(models.Model):
    """A group's votes on one case (stored only where it has any), and how far its answers
    stand from all the other readers' (cases/opinion_groups.py, `share_distances`)."""

    group = models.ForeignKey(
        OpinionGroup,
        on_delete=models.CASCADE,
        related_name="case_shares",
        verbose_name=_("opinion group"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="group_shares", verbose_name=_("case")
    )
    votes_yes = models.PositiveIntegerField(_("votes “made sense”"), default=0)
    votes_no = models.PositiveIntegerField(_("votes “did not make sense”"), default=0)
    votes_depends = models.PositiveIntegerField(_("votes “it depends”"), default=0)
    # 0: the same spread of answers as everyone else, towards 1: the opposite.
    distance = models.FloatField(_("distance from the other readers"), default=0.0)
    # 1 for the case where the group stands furthest from the others, 2 for the next, … among
    # the cases it cast MIN_VOTES_PER_PERSPECTIVE votes or more on (null for the others).
    place = models.PositiveIntegerField(_("place by distance"), null=True, blank=True)

    class Meta:
        verbose_name = _("verdict of an opinion group")
        verbose_name_plural = _("verdicts of opinion groups")
        constraints = [
            models.UniqueConstraint(fields=["group", "case"], name="group_share_one_per_case"),
        ]
        indexes = [
            # The cases where a group stands furthest from the others.
            models.Index(fields=["group", "place"], name="group_share_place_idx"),
        ]

    def __str__(self) -> str:
        return f"group {self.group_id} on {self.case_id}"

    @property
    def total(self) -> int:
        return self.votes_yes + self.votes_no + self.votes_depends
