"""The verdict seen from each perspective (employee, manager, …), and how far they disagree.

A perspective is what a voter says on their profile (`User.perspective`); voters who say
nothing count in the case's verdict but in no perspective.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Case as Conditional
from django.db.models import Count, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf

from accounts.models import User
from cases.models import Case, Vote
from cases.querysets import TOTAL_VOTES
from cases.tallies import VerdictShare, _largest_remainder_percents

# Below this many votes a perspective's shares say too little to show or compare.
MIN_VOTES_PER_PERSPECTIVE = 10

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


def verdict_by_perspective(case: Case) -> list[PerspectiveVerdict]:
    """Counts and shares per perspective that has votes on the case, in one query.

    Perspectives come in the order of `User.Perspective`; one without votes is left out,
    one with fewer than MIN_VOTES_PER_PERSPECTIVE votes is marked `too_few`.
    """
    rows = (
        Vote.objects.filter(case=case)
        .exclude(user__perspective="")
        .values_list("user__perspective", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[str, dict[str, int]] = {}
    for perspective, choice, n in rows:
        counts.setdefault(perspective, dict.fromkeys(CHOICES, 0))[choice] = n

    verdicts = []
    for perspective in User.Perspective:
        if perspective not in counts:
            continue
        by_choice = {str(choice): counts[perspective][choice] for choice in CHOICES}
        numbers = [by_choice[choice] for choice in CHOICES]
        shares, offset = [], 0
        for choice, count, percent in zip(
            CHOICES, numbers, _largest_remainder_percents(numbers), strict=True
        ):
            shares.append(VerdictShare(choice.value, str(choice.label), count, percent, offset))
            offset += percent
        verdicts.append(
            PerspectiveVerdict(
                perspective=perspective.value,
                label=str(perspective.label),
                counts=by_choice,
                shares=shares,
                total=sum(numbers),
            )
        )
    return verdicts


def with_perspective_split(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate each case with `perspective_split`: how much the perspectives disagree.

    Definition: for every perspective with at least MIN_VOTES_PER_PERSPECTIVE votes on the
    case, its share of "made sense" is yes-votes / all its votes (exact fractions, not the
    rounded percents on the page). `perspective_split` is the largest share minus the
    smallest, a number from 0.0 (all agree) to 1.0 (one perspective all yes, another none);
    e.g. managers 70 % vs employees 35 % gives 0.35. It is NULL when fewer than two
    perspectives have enough votes. Voters without a perspective do not count.

    One query: conditional counts per perspective over the votes join, GROUP BY the case.
    GREATEST/LEAST ignore NULLs on PostgreSQL but return NULL on SQLite, so perspectives
    below the threshold are coalesced to neutral values (-1 for the maximum, 2 for the
    minimum) and the result is guarded by the count of qualifying perspectives.

    The counts join the votes: do not combine with another aggregate over a multi-valued
    relation in the same queryset (`with_tallies()` uses a subquery and is fine).
    """
    annotations = {}
    shares = []
    qualifying = []
    for perspective in User.Perspective:
        total_name = f"_votes_{perspective.value}"
        yes_name = f"_yes_{perspective.value}"
        in_perspective = Q(votes__user__perspective=perspective.value)
        annotations[total_name] = Count("votes", filter=in_perspective)
        annotations[yes_name] = Count(
            "votes", filter=in_perspective & Q(votes__choice=Vote.Choice.YES)
        )
        enough = Q(**{f"{total_name}__gte": MIN_VOTES_PER_PERSPECTIVE})
        share = Conditional(
            When(
                enough,
                then=Cast(models.F(yes_name), models.FloatField())
                / NullIf(Cast(models.F(total_name), models.FloatField()), 0.0),
            ),
            default=None,
            output_field=models.FloatField(),
        )
        shares.append(share)
        qualifying.append(
            Conditional(
                When(enough, then=Value(1)), default=Value(0), output_field=models.IntegerField()
            )
        )

    highest = Greatest(*(Coalesce(share, Value(-1.0)) for share in shares))
    lowest = Least(*(Coalesce(share, Value(2.0)) for share in shares))
    qualifying_count = qualifying[0]
    for term in qualifying[1:]:
        qualifying_count = qualifying_count + term
    return (
        queryset.alias(**annotations)
        .alias(_perspectives_qualifying=qualifying_count)
        .annotate(
            perspective_split=Conditional(
                When(_perspectives_qualifying__gte=2, then=highest - lowest),
                default=None,
                output_field=models.FloatField(),
            )
        )
    )


def most_split(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """Cases where the perspectives disagree most first; ties go to the case with more votes.

    Cases with fewer than two perspectives of MIN_VOTES_PER_PERSPECTIVE votes are left out.
    """
    return (
        with_perspective_split(queryset)
        .filter(perspective_split__isnull=False)
        .order_by("-perspective_split", TOTAL_VOTES.desc(), "-published_at", "-id")
    )
