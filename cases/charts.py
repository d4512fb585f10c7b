"""How the share of "made sense" moved as votes came in: a small server-rendered SVG chart.

No charting library and no JavaScript: the history is replayed from VoteEvent rows in Python
and drawn as one <polyline> by templates/cases/_verdict_chart.html.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cases.models import Case, Vote, VoteEvent

# A chart appears once the case has this many votes (its current total).
CHART_MIN_VOTES = 10
# Long histories are thinned to about this many points; the first and last always stay.
CHART_MAX_POINTS = 100
CHART_WIDTH = 300
CHART_HEIGHT = 100


@dataclass(frozen=True)
class ChartPoint:
    step: int  # 1-based number of the event (a vote cast or changed) in the case's history
    votes: int  # votes counted after this event
    yes: int  # of them "made sense"
    created_at: datetime

    @property
    def share(self) -> float:
        return self.yes / self.votes if self.votes else 0.0

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class VerdictChart:
    case_id: int
    points: list[ChartPoint]
    polyline: str
    width: int
    height: int
    votes: int

    @property
    def first_percent(self) -> int:
        return self.points[0].percent

    @property
    def last_percent(self) -> int:
        return self.points[-1].percent

    @property
    def lowest_percent(self) -> int:
        return min(point.percent for point in self.points)

    @property
    def highest_percent(self) -> int:
        return max(point.percent for point in self.points)

    @property
    def dom_id(self) -> str:
        return f"verdict-chart-{self.case_id}"

    @property
    def grid(self) -> list[tuple[int, str]]:
        """The 100/50/0 % lines: (percent, y in the viewBox as an attribute value)."""
        return [(percent, _number(self.height * (1 - percent / 100))) for percent in (100, 50, 0)]


def made_sense_history(
    case: Case, *, max_points: int | None = CHART_MAX_POINTS
) -> list[ChartPoint]:
    """The share of "made sense" after every vote cast or changed, oldest first, in one query.

    An event without a previous choice adds a vote; one with a previous choice moves a vote
    from that answer to the new one. With `max_points`, long histories are downsampled.
    """
    events = (
        VoteEvent.objects.filter(case=case)
        .order_by("created_at", "id")
        .values_list("choice", "previous_choice", "created_at")
    )
    counts = dict.fromkeys(Vote.Choice.values, 0)
    points = []
    for step, (choice, previous, created_at) in enumerate(events, start=1):
        if previous:
            counts[previous] = max(0, counts[previous] - 1)
        counts[choice] += 1
        points.append(
            ChartPoint(
                step=step,
                votes=sum(counts.values()),
                yes=counts[Vote.Choice.YES],
                created_at=created_at,
            )
        )
    if max_points is not None:
        points = downsample(points, max_points)
    return points


def downsample(points: list[ChartPoint], max_points: int) -> list[ChartPoint]:
    """At most `max_points` points, evenly spaced through the history, first and last kept."""
    if len(points) <= max_points:
        return points
    if max_points < 2:
        return points[-max_points:] if max_points else []
    last = len(points) - 1
    indexes = sorted({round(i * last / (max_points - 1)) for i in range(max_points)})
    return [points[i] for i in indexes]


def svg_polyline(points: list[ChartPoint], width: float, height: float) -> str:
    """The `points` attribute of an SVG <polyline>: x by step, y by share (100 % at the top)."""
    if not points:
        return ""
    first, last = points[0].step, points[-1].step
    span = last - first
    coordinates = []
    for point in points:
        x = (point.step - first) / span * width if span else 0.0
        y = height * (1 - point.share)
        coordinates.append(f"{_number(x)},{_number(y)}")
    return " ".join(coordinates)


def chart_for(case: Case) -> VerdictChart | None:
    """The chart for the case page, or None below CHART_MIN_VOTES votes (then no query)."""
    votes = case.vote_total
    if votes < CHART_MIN_VOTES:
        return None
    points = made_sense_history(case)
    if len(points) < 2:
        return None  # votes from before the history was recorded: nothing to draw
    return VerdictChart(
        case_id=case.pk,
        points=points,
        polyline=svg_polyline(points, CHART_WIDTH, CHART_HEIGHT),
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        votes=votes,
    )


def _number(value: float) -> str:
    """Short and locale-free: "12.5", "100", never "12,5"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
