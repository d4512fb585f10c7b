"""The verdict shown as bars: count and share per answer, shares adding up to 100."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Case, Vote


@dataclass(frozen=True)
class VerdictShare:
    choice: str
    label: str
    count: int
    percent: int
    offset: int  # where this answer's segment starts in a stacked bar, in percent


def verdict_of(case: Case) -> list[VerdictShare]:
    counts = {
        Vote.Choice.YES: case.votes_yes,
        Vote.Choice.NO: case.votes_no,
        Vote.Choice.DEPENDS: case.votes_depends,
    }
    percents = _largest_remainder_percents(list(counts.values()))
    shares, offset = [], 0
    for (choice, count), percent in zip(counts.items(), percents, strict=True):
        shares.append(VerdictShare(choice.value, str(choice.label), count, percent, offset))
        offset += percent
    return shares


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


def depends_conditions(case: Case, limit: int = 20) -> list[Vote]:
    """What "It depends" voters said it depends on, newest first (an indexed read, and none
    at all while nobody has named a condition)."""
    if not case.conditions_named:
        return []
    return list(
        Vote.objects.filter(case=case, choice=Vote.Choice.DEPENDS)
        .exclude(condition="")
        .only("condition", "updated_at")
        .order_by("-updated_at", "-pk")[:limit]
    )
