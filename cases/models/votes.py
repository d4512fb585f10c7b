"""Verdicts on cases and their history."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models.cases import Case
from cases.querysets import VoteQuerySet


class Vote(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", _("Made sense")
        NO = "no", _("Did not make sense")
        DEPENDS = "depends", _("It depends")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="votes",
        verbose_name=_("voter"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="votes", verbose_name=_("case")
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    # The voter's first answer, kept so the case page can show how minds moved.
    first_choice = models.CharField(
        _("first choice"), max_length=10, choices=Choice.choices, default=""
    )
    # The answer before the latest change: what a credited comment moved the voter from.
    previous_choice = models.CharField(
        _("previous choice"), max_length=10, choices=Choice.choices, blank=True
    )
    # Cast without having seen the result (the case's blind mode on, no reveal before): the
    # first answer counts in the blind verdict (Case.blind_*).
    blind = models.BooleanField(_("cast blind"), default=False)
    # The answer held when the case's first outcome update was published ("" for votes cast
    # after it): the voter is a foresight voter, counted in Case.foresight_*.
    foresight_choice = models.CharField(
        _("answer before the outcome was known"),
        max_length=10,
        choices=Choice.choices,
        blank=True,
    )
    condition = models.CharField(
        _("it depends on"),
        max_length=settings.TEXT_LIMITS["condition"],
        blank=True,
        help_text=_("For “It depends”: on what, in a few words."),
    )
    # How often the voter changed their answer, and which change already credited a comment.
    change_count = models.PositiveIntegerField(_("changes of mind"), default=0)
    credited_change = models.PositiveIntegerField(_("change credited to a comment"), default=0)
    created_at = models.DateTimeField(_("cast"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="vote_one_per_user_and_case"),
            models.CheckConstraint(
                condition=Q(choice__in=["yes", "no", "depends"]), name="vote_choice_valid"
            ),
            models.CheckConstraint(
                condition=Q(credited_change__lte=F("change_count")),
                name="vote_credit_needs_a_change",
            ),
        ]
        indexes = [
            # "It depends" conditions on the case page, newest first.
            models.Index(
                fields=["case", "-updated_at"],
                name="vote_condition_idx",
                condition=Q(choice="depends") & ~Q(condition=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.case}: {self.choice}"


# Short labels for the badge beside a comment ("made sense" / "did not" / "depends").
VOTE_BADGES = {
    Vote.Choice.YES: pgettext_lazy("short vote badge", "made sense"),
    Vote.Choice.NO: pgettext_lazy("short vote badge: did not make sense", "did not"),
    Vote.Choice.DEPENDS: pgettext_lazy("short vote badge: it depends", "depends"),
}


class VoteEvent(models.Model):
    """Every vote cast or changed, in order: the history behind the verdict chart."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="vote_events", verbose_name=_("case")
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Vote.Choice.choices)
    previous_choice = models.CharField(
        _("previous choice"), max_length=10, choices=Vote.Choice.choices, blank=True
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("vote event")
        verbose_name_plural = _("vote events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="vote_event_case_idx")]

    def __str__(self) -> str:
        return f"{self.previous_choice or '∅'} → {self.choice} on {self.case_id}"
