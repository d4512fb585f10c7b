"""The figures a case stores beside its tallies, as pure functions of plain numbers.

Services call them when a vote, a comment or a perspective changes, under the case's row
lock; `recount_votes` calls them when it rebuilds everything from the rows. Neither reads
the database here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# `divided` lists only cases with at least this many votes: with fewer, an even split
# (1/1/0, 2/2/0) says little.
DIVIDED_MIN_VOTES = 5
# Below this many votes a perspective's shares say too little to show or compare.
MIN_VOTES_PER_PERSPECTIVE = 10
# `split` compares at least this many perspectives of MIN_VOTES_PER_PERSPECTIVE votes each.
MIN_PERSPECTIVES_FOR_SPLIT = 2
# The blind verdict and its shift are shown and sorted on only from this many blind votes.
MIN_BLIND_VOTES = 10
# One chart point (VerdictPoint) per this many vote events.
CHART_BUCKET = 5


def largest_share(yes: int, no: int, depends: int) -> float | None:
    """The `divided` measure: max(yes, no, depends) / (yes + no + depends).

    Between 1/3 (a perfect three-way split) and 1.0 (unanimity); None below
    DIVIDED_MIN_VOTES votes. E.g. 2/2/1 → 0.4, 4/1/1 → 0.67, 2/2/0 → None.
    """
    total = yes + no + depends
    if total < DIVIDED_MIN_VOTES:
        return None
    return max(yes, no, depends) / total


def perspective_split(tallies: Iterable[tuple[int, int, int]]) -> float | None:
    """The `split` measure from each perspective's (yes, no, depends).

    For every perspective with at least MIN_VOTES_PER_PERSPECTIVE votes, its share of "made
    sense" is yes / all its votes (exact fractions, not the rounded percents on the page).
    The split is the largest share minus the smallest: 0.0 (all agree) to 1.0 (one
    perspective all yes, another none); e.g. managers 70 % vs employees 35 % gives 0.35.
    None when fewer than two perspectives have enough votes.
    """
    shares = [
        yes / (yes + no + depends)
        for yes, no, depends in tallies
        if yes + no + depends >= MIN_VOTES_PER_PERSPECTIVE
    ]
    if len(shares) < MIN_PERSPECTIVES_FOR_SPLIT:
        return None
    return max(shares) - min(shares)


def verdict_shift(blind: tuple[int, int, int], current: tuple[int, int, int]) -> float | None:
    """The `shifted` measure: how far the current verdict lies from the blind one.

    Each verdict as shares of (yes, no, depends); the shift is half the sum of the shares'
    differences (the total variation distance): the part of the verdict that moved, 0.0 (the
    same shares) to 1.0 (not one answer in common). E.g. blind 62/30/8 % against now
    48/44/8 % gives 0.14. None below MIN_BLIND_VOTES blind votes, or without votes.
    """
    blind_total, current_total = sum(blind), sum(current)
    if blind_total < MIN_BLIND_VOTES or not current_total:
        return None
    pairs = zip(blind, current, strict=True)
    return sum(abs(b / blind_total - c / current_total) for b, c in pairs) / 2


def verdict_figures(case: Any, perspectives: Iterable[tuple[int, int, int]]) -> dict[str, Any]:
    """The stored figures that follow from a case's tallies, factors and perspective tallies
    (`case` needs votes_yes/no/depends, blind_yes/no/depends and the rule-of-thumb factors
    as attributes)."""
    current = (case.votes_yes, case.votes_no, case.votes_depends)
    blind = (case.blind_yes, case.blind_no, case.blind_depends)
    return {
        "largest_share": largest_share(*current),
        "perspective_split": perspective_split(perspectives),
        "verdict_shift": verdict_shift(blind, current),
        **rule_figures(case),
    }


def rule_figures(case: Any) -> dict[str, Any]:
    """`rule_agrees` and `rule_disagreement`: the rule of thumb beside the crowd.

    Both are NULL unless the rule judges and the crowd has a clear verdict
    (cases.tallies.clear_verdict, through rule_of_thumb.agreement): a case too close to call
    is undecided, never a disagreement.
    """
    from cases.rule_of_thumb import agreement  # it imports the models, which import us

    rule = agreement(case)
    return {
        "rule_agrees": rule.agrees,
        # rule_of_thumb.Agreement.disagreement: 0.0 agreement … 1.0 the opposite answer
        "rule_disagreement": rule.disagreement if rule.agrees is not None else None,
    }


def bucket_of(event_number: int) -> int:
    """The chart bucket of the n-th (1-based) vote event of a case."""
    return (event_number - 1) // CHART_BUCKET
