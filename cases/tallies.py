"""The verdict: count and share per answer, whether the crowd has a clear verdict, its shift,
and the conditions "It depends" voters named."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Min
from django.db.models.functions import Lower, Trim

from cases.models import Case, Vote

# Below this many votes the crowd has no clear verdict, whatever the split.
MIN_VOTES_FOR_VERDICT = 10
# The z-score of a two-sided 95 % confidence interval.
VERDICT_Z = 1.959964
# "It depends" conditions: the groups shown at once, and the most read from the database.
CONDITIONS_SHOWN = 10
CONDITIONS_READ = 100


@dataclass(frozen=True)
class VerdictShare:
    choice: str
    label: str
    count: int
    percent: int
    offset: int  # where this answer's segment starts in a stacked bar, in percent


def wilson_interval(count: int, total: int, z: float = VERDICT_Z) -> tuple[float, float]:
    """The Wilson score interval of the share count / total (0 ≤ lower ≤ upper ≤ 1).

    With p = count / total and n = total:

        (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)

    Unlike p ± z·√(p(1−p)/n) it stays inside 0…1 and is honest for small n and shares near
    0 or 1. Without votes it is (0, 1): nothing is known.
    """
    if total <= 0:
        return 0.0, 1.0
    p = count / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    scale = 1 + z2 / total
    return max(0.0, (centre - spread) / scale), min(1.0, (centre + spread) / scale)


def clear_verdict(yes: int, no: int, depends: int) -> str | None:
    """The crowd's verdict ("yes", "no" or "depends"), or None when it is too close to call.

    The one place that decides it: the verdict box, the rule-of-thumb box and page, and the
    stored `Case.rule_agrees` / `rule_disagreement` (cases/figures.py) all ask here.

    Take the two answers with the most votes, a ≥ b of n = yes + no + depends votes, and
    their shares' 95 % Wilson score intervals (wilson_interval, z = 1.96). The leader is the
    verdict only when

        n ≥ MIN_VOTES_FOR_VERDICT (10)  and  lower(a, n) > upper(b, n)

    i.e. the two intervals do not overlap (touching counts as overlapping): the lead is
    larger than the margin of error. Otherwise (few votes, a tie, a narrow lead)
    there is no clear verdict. E.g. 8/1/1 → "yes" (80 % ≥ 49 % against 10 % ≤ 40 %);
    4/4/2, 40/39/21 and 7/3/0 → None; 3/0/0 → None (fewer than 10 votes).
    """
    total = yes + no + depends
    if total < MIN_VOTES_FOR_VERDICT:
        return None
    ranked = sorted(
        [("yes", yes), ("no", no), ("depends", depends)], key=lambda item: -item[1]
    )  # stable: equal counts keep this order, and a tie is never clear anyway
    (leader, first), (_runner_up, second) = ranked[0], ranked[1]
    if wilson_interval(first, total)[0] <= wilson_interval(second, total)[1]:
        return None
    return leader


@dataclass(frozen=True)
class Verdict:
    """The verdict as the page shows it: one share per answer (iterate it like a list of
    VerdictShare), and whether the crowd has a clear verdict (`leader`) or it is
    `too_close` to call (see clear_verdict)."""

    shares: list[VerdictShare]
    total: int
    leader: str | None  # "yes", "no", "depends"; None without a clear verdict

    def __iter__(self) -> Iterator[VerdictShare]:
        return iter(self.shares)

    def __len__(self) -> int:
        return len(self.shares)

    def __getitem__(self, index: int) -> VerdictShare:
        return self.shares[index]

    @property
    def too_close(self) -> bool:
        """People have voted, but the lead is within the margin of error (or too few voted)."""
        return bool(self.total) and self.leader is None

    @property
    def too_few_votes(self) -> bool:
        """Too close because fewer than MIN_VOTES_FOR_VERDICT people voted at all."""
        return 0 < self.total < MIN_VOTES_FOR_VERDICT

    @property
    def min_votes(self) -> int:
        return MIN_VOTES_FOR_VERDICT


def shares_of(counts: list[int]) -> list[VerdictShare]:
    """(yes, no, depends) counts as shares in whole percents adding up to 100."""
    shares, offset = [], 0
    choices = (Vote.Choice.YES, Vote.Choice.NO, Vote.Choice.DEPENDS)
    for choice, count, percent in zip(
        choices, counts, _largest_remainder_percents(counts), strict=True
    ):
        shares.append(VerdictShare(choice.value, str(choice.label), count, percent, offset))
        offset += percent
    return shares


def verdict_of(case: Case) -> Verdict:
    """From the case's stored tallies: no query."""
    return verdict_of_counts(case.votes_yes, case.votes_no, case.votes_depends)


def verdict_of_counts(yes: int, no: int, depends: int) -> Verdict:
    """Any (yes, no, depends) tallies as a verdict: the blind, foresight or hindsight one."""
    counts = [yes, no, depends]
    return Verdict(shares_of(counts), sum(counts), clear_verdict(*counts))


def _largest_remainder_percents(counts: list[int]) -> list[int]:
    """Whole percentages that add up to exactly 100 (or all 0 without votes)."""
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    exact = [count * 100 / total for count in counts]
    floors = [int(value) for value in exact]
    missing = 100 - sum(floors)
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors


@dataclass(frozen=True)
class VoteShift:
    """How many voters now answer differently from their first vote, and toward what."""

    total: int
    moved: int
    toward: list[tuple[str, str, int]]  # (choice, label, voters), largest first
    conditions: int  # how many "It depends" voters named a condition


def vote_shift(case: Case) -> VoteShift:
    """From the case's stored figures (moved_*, conditions_named): no query."""
    moved = {
        Vote.Choice.YES: case.moved_yes,
        Vote.Choice.NO: case.moved_no,
        Vote.Choice.DEPENDS: case.moved_depends,
    }
    toward = sorted(
        ((choice.value, str(choice.label), n) for choice, n in moved.items() if n),
        key=lambda item: -item[2],
    )
    return VoteShift(case.vote_total, sum(moved.values()), toward, case.conditions_named)


@dataclass(frozen=True)
class ConditionGroup:
    text: str  # the spelling most voters used (the earliest of equals)
    count: int  # voters who named it


@dataclass(frozen=True)
class Conditions:
    """The named conditions grouped, most named first; `capped`: more groups exist than
    were read (CONDITIONS_READ)."""

    groups: list[ConditionGroup]
    capped: bool = False

    def __len__(self) -> int:
        return len(self.groups)

    def __iter__(self) -> Iterator[ConditionGroup]:
        return iter(self.groups)

    @property
    def shown(self) -> list[ConditionGroup]:
        return self.groups[:CONDITIONS_SHOWN]

    @property
    def more(self) -> list[ConditionGroup]:
        """Behind "show all"."""
        return self.groups[CONDITIONS_SHOWN:]


def depends_conditions(case: Case, limit: int = CONDITIONS_READ) -> Conditions:
    """What "It depends" voters said it depends on, equal conditions counted once.

    Conditions are equal when they are equal after trimming and lower-casing (in SQL:
    LOWER(TRIM(condition)); SQLite lowers ASCII letters only, PostgreSQL all). Grouped and
    counted in the database on the partial index vote_condition_idx, the `limit` most named
    first (then alphabetically): one query, and a second one only for the groups written in
    more than one way, to show the spelling most of their voters used. Nothing is read while
    nobody has named a condition.
    """
    if not case.conditions_named:
        return Conditions([])
    rows = list(condition_groups(case)[: limit + 1])
    capped = len(rows) > limit
    rows = rows[:limit]
    texts = {row["key"]: row["first_spelling"] for row in rows}
    varied = [row["key"] for row in rows if row["spellings"] > 1]
    if varied:
        texts.update(_most_used_spellings(named_conditions(case).filter(key__in=varied)))
    groups = [ConditionGroup(texts[row["key"]], row["count"]) for row in rows]
    return Conditions(groups, capped)


def named_conditions(case: Case):
    """The case's "It depends" votes that name a condition, with its grouping `key`
    (LOWER(TRIM(condition))) and `spelling` (TRIM(condition))."""
    return (
        Vote.objects.filter(case=case, choice=Vote.Choice.DEPENDS)
        .exclude(condition="")
        .annotate(key=Lower(Trim("condition")), spelling=Trim("condition"))
    )


def condition_groups(case: Case):
    """One row per group of equal conditions, most named first: key, count, first_spelling
    (the least by code point), spellings (how many different ones)."""
    return (
        named_conditions(case)
        .values("key")
        .annotate(
            count=Count("pk"),
            first_spelling=Min("spelling"),
            spellings=Count("spelling", distinct=True),
        )
        .order_by("-count", "key")
    )


def _most_used_spellings(named) -> dict[str, str]:
    """For each group, the spelling most of its voters used; the earliest on a tie."""
    counted = named.values("key", "spelling").annotate(n=Count("pk"), first=Min("created_at"))
    best: dict[str, tuple[int, float, str]] = {}
    for row in counted.order_by():
        candidate = (row["n"], -row["first"].timestamp(), row["spelling"])
        if row["key"] not in best or candidate[:2] > best[row["key"]][:2]:
            best[row["key"]] = candidate
    return {key: spelling for key, (_n, _first, spelling) in best.items()}
