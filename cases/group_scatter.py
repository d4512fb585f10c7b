"""The opinion groups as a 2-D scatter: one circle per group at its centre, drawn as a small
server-rendered SVG (templates/cases/_group_scatter.html) beside a table of the same numbers.

The plane is the one the groups were found in (cases/opinion_groups.py): the first two
principal components of the readers' answers, a group's centre the mean of its readers'
positions. The two directions have no names (they are where answers differ most), so the
chart draws them as plain cross-hairs through the middle, where a reader who answers like
the average stands. Both run on one scale, so that distances on the chart are distances in
the plane, and a circle's area grows with its group's size.

No charting library and no JavaScript. As in cases/charts.py, every number in an SVG
attribute is a locale-free string made here ("12.5" in every language); the numbers people
read are localised by the template.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cases.models import OpinionGroup

SCATTER_SIZE = 240  # the viewBox is a square: both directions on one scale
MAX_RADIUS = 32  # the largest group's circle
MIN_RADIUS = 9  # the smallest circle, still big enough for its number
EDGE = 2  # room between the largest circle and the edge


def _number(value: float) -> str:
    """Short and locale-free: "12.5", "100", never "12,5" (as cases/charts.py writes them)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class ScatterPoint:
    group: OpinionGroup
    x: str  # the centre in the viewBox, as attribute values
    y: str
    radius: str


@dataclass(frozen=True)
class GroupScatter:
    points: list[ScatterPoint]
    size: int = SCATTER_SIZE

    @property
    def view_box(self) -> str:
        return f"0 0 {self.size} {self.size}"

    @property
    def middle(self) -> str:
        return _number(self.size / 2)

    @property
    def end(self) -> str:
        return _number(self.size)


def group_scatter(groups: Sequence[OpinionGroup]) -> GroupScatter | None:
    """The circles of `groups` (each with its centre and size), None without groups. The
    group furthest from the middle touches the edge (less its circle); a circle's area is
    proportional to its group's size, at least MIN_RADIUS."""
    if not groups:
        return None
    reach = max(max(abs(group.centre_x), abs(group.centre_y)) for group in groups) or 1.0
    half = SCATTER_SIZE / 2
    scale = (half - MAX_RADIUS - EDGE) / reach
    largest = max(group.size for group in groups) or 1
    points = []
    for group in groups:
        radius = max(MIN_RADIUS, MAX_RADIUS * math.sqrt(group.size / largest))
        points.append(
            ScatterPoint(
                group=group,
                x=_number(half + group.centre_x * scale),
                y=_number(half - group.centre_y * scale),  # up is positive, as on paper
                radius=_number(radius),
            )
        )
    return GroupScatter(points)
