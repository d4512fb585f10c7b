"""How the share of "made sense" moved as votes came in: a small server-rendered SVG chart.

No charting library and no JavaScript: the history comes from the stored chart points
(VerdictPoint, written by each vote) and is drawn as one <polyline> by
templates/cases/_verdict_chart.html.

Every number in an SVG attribute (coordinates, the viewBox) is prepared here as a string,
"12.5" in every language, so that no locale's separators reach it; the numbers and dates
people read (the title, the description, the axis labels, the summary) are localised by the
template ("1,200" / "1.200", "29 Nov 2026" / "29.11.2026"), numbers inside whole translated
sentences.

The x-axis runs by vote events (votes cast or changed), not by time: each point sits at its
event count. Its two ends are labelled with the dates of the first and the latest point, in
the active language's SHORT_DATE_FORMAT (with the time, SHORT_DATETIME_FORMAT, when both fall
on the same day); the axis's name goes on a row of its own below them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from cases.figures import CHART_BUCKET
from cases.models import Case, VerdictPoint

# A chart appears once the case has this many votes (its current total).
CHART_MIN_VOTES = 10
# Long histories are thinned to about this many points; the first and last always stay.
CHART_MAX_POINTS = 100
CHART_WIDTH = 300
CHART_HEIGHT = 100
# Room around the plot in the viewBox: the % labels left, two rows below: the dates at the
# ends of the x-axis, then the axis's name.
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 34, 8, 8, 32
DATE_LABEL_OFFSET = 12
AXIS_LABEL_OFFSET = 26


@dataclass(frozen=True)
class ChartPoint:
    step: int  # vote events (votes cast or changed) counted up to this point
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
    def first_step(self) -> int:
        """Vote events counted at the first point: CHART_BUCKET, or fewer on a young case."""
        return self.points[0].step

    @property
    def last_step(self) -> int:
        return self.points[-1].step

    @property
    def first_at(self) -> datetime:
        """When the first point's last event happened: the date at the left end."""
        return self.points[0].created_at

    @property
    def last_at(self) -> datetime:
        """When the latest vote event happened: the date at the right end."""
        return self.points[-1].created_at

    @property
    def same_day(self) -> bool:
        """Both ends fall on one day (in the current time zone): their labels need the time."""
        return timezone.localdate(self.first_at) == timezone.localdate(self.last_at)

    @property
    def date_format(self) -> str:
        """The Django format of the x-axis's dates, localised by the `date` filter."""
        return "SHORT_DATETIME_FORMAT" if self.same_day else "SHORT_DATE_FORMAT"

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
    def centre_x(self) -> str:
        """The middle of the x-axis in the viewBox, where its name goes."""
        return _number(self.width / 2)

    @property
    def right_x(self) -> str:
        """The right end of the x-axis and of the grid lines, as an attribute value."""
        return _number(self.width)

    @property
    def date_y(self) -> str:
        """The baseline of the dates at the ends of the x-axis, below the plot."""
        return _number(self.height + DATE_LABEL_OFFSET)

    @property
    def axis_y(self) -> str:
        """The baseline of the x-axis's name, below the dates, as an attribute value."""
        return _number(self.height + AXIS_LABEL_OFFSET)

    @property
    def view_box(self) -> str:
        """The plot with room for the % labels on the left and the axis's two rows below."""
        left, top = -MARGIN_LEFT, -MARGIN_TOP
        width = self.width + MARGIN_LEFT + MARGIN_RIGHT
        height = self.height + MARGIN_TOP + MARGIN_BOTTOM
        return " ".join(_number(value) for value in (left, top, width, height))

    @property
    def grid(self) -> list[tuple[int, str]]:
        """The 100/50/0 % lines: (percent, y in the viewBox as an attribute value)."""
        return [(percent, _number(self.height * (1 - percent / 100))) for percent in (100, 50, 0)]


def made_sense_history(
    case: Case, *, max_points: int | None = CHART_MAX_POINTS
) -> list[ChartPoint]:
    """The share of "made sense" through the case's history, oldest first, in one query.

    Reads the stored chart points (VerdictPoint: the counts after every CHART_BUCKET-th vote
    event, kept by each vote), never the events themselves. With `max_points`, only that
    many evenly spaced buckets are read, the first and the latest always among them, so a
    case with 18,000 events costs what one with 500 does.
    """
    buckets = (case.event_count + CHART_BUCKET - 1) // CHART_BUCKET
    points = VerdictPoint.objects.filter(case=case).order_by("bucket")
    if max_points is not None and buckets > max_points:
        points = points.filter(bucket__in=sample_indexes(buckets, max_points))
    return [
        ChartPoint(step=events, votes=votes, yes=yes, created_at=at)
        for events, votes, yes, at in points.values_list("events", "votes", "yes", "at")
    ]


def sample_indexes(length: int, count: int) -> list[int]:
    """`count` indexes spread evenly over range(length), first and last included."""
    if length <= count:
        return list(range(length))
    if count < 2:
        return [length - 1] if count else []
    last = length - 1
    return sorted({round(i * last / (count - 1)) for i in range(count)})


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
