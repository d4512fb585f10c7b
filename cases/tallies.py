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
