"""The verdict seen from each perspective (employee, manager, …), and how far they disagree.

A perspective is what a voter says on their profile (`User.perspective`); voters who say
nothing count in the case's verdict but in no perspective.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from cases.figures import MIN_VOTES_PER_PERSPECTIVE
from cases.models import Case, PerspectiveTally, Vote
from cases.tallies import VerdictShare, shares_of

__all__ = [
    "MIN_VOTES_PER_PERSPECTIVE",
    "PerspectiveVerdict",
    "PerspectiveVerdicts",
    "verdict_by_perspective",
]

CHOICES = (Vote.Choice.YES, Vote.Choice.NO, Vote.Choice.DEPENDS)


@dataclass(frozen=True)
class PerspectiveVerdict:
    perspective: str
    label: str
    counts: dict[str, int]  # choice → votes
    shares: list[VerdictShare]  # yes, no, depends; whole percents adding up to 100
    total: int

    @property
    def too_few(self) -> bool:
        return self.total < MIN_VOTES_PER_PERSPECTIVE

    @property
    def min_votes(self) -> int:
        return MIN_VOTES_PER_PERSPECTIVE

    @property
    def made_sense_percent(self) -> int:
        return self.shares[0].percent


class PerspectiveVerdicts(list):
    """The perspectives with votes, in order (a list of PerspectiveVerdict), split for the
    box: those whose shares are shown, and those with too few votes, which the box names
    together under one sentence rather than saying "too few" on every row."""

    @property
    def with_shares(self) -> list[PerspectiveVerdict]:
        return [verdict for verdict in self if not verdict.too_few]

    @property
    def too_few(self) -> list[PerspectiveVerdict]:
        return [verdict for verdict in self if verdict.too_few]

    @property
    def min_votes(self) -> int:
        return MIN_VOTES_PER_PERSPECTIVE


def verdict_by_perspective(case: Case) -> PerspectiveVerdicts:
    """Counts and shares per perspective that has votes on the case, in one query of at
    most five stored rows (PerspectiveTally, kept current by every vote).

    Perspectives come in the order of `User.Perspective`; one without votes is left out,
    one with fewer than MIN_VOTES_PER_PERSPECTIVE votes is marked `too_few`.
    """
    counts: dict[str, dict[str, int]] = {}
    for tally in PerspectiveTally.objects.filter(case=case):
        if tally.total:
            counts[tally.perspective] = {
                Vote.Choice.YES: tally.votes_yes,
                Vote.Choice.NO: tally.votes_no,
                Vote.Choice.DEPENDS: tally.votes_depends,
            }

    verdicts = PerspectiveVerdicts()
    for perspective in User.Perspective:
        if perspective not in counts:
            continue
        by_choice = {str(choice): counts[perspective][choice] for choice in CHOICES}
        numbers = [by_choice[choice] for choice in CHOICES]
        verdicts.append(
            PerspectiveVerdict(
                perspective=perspective.value,
                label=str(perspective.label),
                counts=by_choice,
                shares=shares_of(numbers),
                total=sum(numbers),
            )
        )
    return verdicts
