"""The chart of how the share of "made sense" moved, read from the stored chart points."""

import re
from datetime import timedelta
from itertools import pairwise

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from cases.charts import (
    CHART_MAX_POINTS,
    CHART_MIN_VOTES,
    ChartPoint,
    chart_for,
    made_sense_history,
    sample_indexes,
    svg_polyline,
)
from cases.figures import CHART_BUCKET
from cases.models import Case, VerdictPoint, VoteEvent
from cases.services import cast_vote
from cases.services.recount import recount_votes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Dozens of voters per test: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def cast_many(case, choices):
    """One new voter per choice, in order; returns the voters."""
    people = []
    for choice in choices:
        person = UserFactory()
        cast_vote(user=person, case=case, choice=choice)
        people.append(person)
    return people


def render_chart(case):
    return render_to_string("cases/_verdict_chart.html", {"chart": chart_for(case)})


def stored_points(case):
    return list(
        VerdictPoint.objects.filter(case=case)
        .order_by("bucket")
        .values_list("bucket", "events", "votes", "yes")
    )


def store_long_history(case, events):
    """`events` vote events' worth of chart points without casting them: the share of "made
    sense" climbs from 0 to 100 %; the case's counters say so too."""
    start = timezone.now() - timedelta(days=30)
    buckets = (events + CHART_BUCKET - 1) // CHART_BUCKET
    VerdictPoint.objects.bulk_create(
        VerdictPoint(
            case=case,
            bucket=bucket,
            events=min((bucket + 1) * CHART_BUCKET, events),
            votes=400,
            yes=round(400 * bucket / (buckets - 1)),
            at=start + timedelta(hours=bucket),
        )
        for bucket in range(buckets)
    )
    Case.objects.filter(pk=case.pk).update(event_count=events, votes_yes=400)
    case.refresh_from_db()
    return buckets


# --- when there is a chart -------------------------------------------------------------


def test_no_chart_below_ten_votes_and_no_query_for_it(case, django_assert_num_queries):
    cast_many(case, ["yes"] * (CHART_MIN_VOTES - 1))

    with django_assert_num_queries(0):
        assert chart_for(case) is None
    assert render_chart(case).strip() == ""


def test_changes_do_not_add_votes_towards_the_threshold(case):
    first, *_ = cast_many(case, ["yes"] * (CHART_MIN_VOTES - 1))
    cast_vote(user=first, case=case, choice="no")

    assert case.event_count == 10  # ten events, two full buckets ...
    assert len(stored_points(case)) == 2
    assert case.vote_total == 9  # ... but nine votes
    assert chart_for(case) is None


def test_a_chart_from_ten_votes(case):
    cast_many(case, ["yes", "no"] * 5)

    chart = chart_for(case)

    assert CHART_MIN_VOTES == 10
    assert chart is not None
    assert chart.votes == 10
    assert [(p.step, p.yes, p.votes) for p in chart.points] == [(5, 3, 5), (10, 5, 10)]
    assert chart.first_percent == 60
    assert chart.last_percent == 50
    assert (chart.first_step, chart.last_step) == (5, 10)


def test_a_case_without_stored_points_shows_no_chart(case, django_assert_num_queries):
    """Votes counted before the chart points existed (and no recount since): no line."""
    Case.objects.filter(pk=case.pk).update(votes_yes=8, votes_no=4, event_count=12)
    case.refresh_from_db()

    with django_assert_num_queries(1):
        assert chart_for(case) is None
    assert render_chart(case).strip() == ""


# --- what each vote stores -------------------------------------------------------------


def test_twelve_votes_store_points_at_events_5_10_and_12(case):
    cast_many(case, ["yes", "no", "yes", "depends"] * 3)

    assert case.event_count == 12
    assert stored_points(case) == [(0, 5, 5, 3), (1, 10, 10, 5), (2, 12, 12, 6)]
    points = made_sense_history(case)
    assert [(p.step, p.yes, p.votes) for p in points] == [(5, 3, 5), (10, 5, 10), (12, 6, 12)]
    assert [p.percent for p in points] == [60, 50, 50]
    assert (points[-1].yes, points[-1].votes) == (case.votes_yes, case.vote_total)
    events = list(VoteEvent.objects.filter(case=case).order_by("created_at", "pk"))
    assert [p.created_at for p in points] == [
        events[4].created_at,
        events[9].created_at,
        events[11].created_at,
    ]


def test_a_changed_vote_moves_a_vote_between_answers(case):
    people = cast_many(case, ["yes"] * 5)  # bucket 0 full: 5 of 5
    cast_vote(user=people[0], case=case, choice="no")  # event 6: 4 of 5
    cast_vote(user=people[1], case=case, choice="no")  # event 7: 3 of 5
    cast_vote(user=people[1], case=case, choice="no")  # the same answer again: no event
    cast_vote(user=people[2], case=case, choice="depends", condition="If they train them")
    cast_vote(user=people[2], case=case, choice="depends", condition="If it is cheaper")

    assert case.event_count == 8  # a new condition is no event either
    assert stored_points(case) == [(0, 5, 5, 5), (1, 8, 5, 2)]
    assert [(p.step, p.yes, p.votes) for p in made_sense_history(case)] == [
        (5, 5, 5),
        (8, 2, 5),
    ]

    cast_vote(user=people[0], case=case, choice="yes")  # event 9: back to 3 of 5

    assert stored_points(case) == [(0, 5, 5, 5), (1, 9, 5, 3)]


def test_points_are_read_in_bucket_order_not_insertion_order(case):
    now = timezone.now()
    VerdictPoint.objects.create(case=case, bucket=1, events=10, votes=10, yes=5, at=now)
    VerdictPoint.objects.create(case=case, bucket=0, events=5, votes=5, yes=5, at=now)
    Case.objects.filter(pk=case.pk).update(event_count=10)
    case.refresh_from_db()

    assert [(p.step, p.percent) for p in made_sense_history(case)] == [(5, 100), (10, 50)]


@pytest.mark.parametrize("voters", [12, 40])
def test_made_sense_history_is_one_query(case, django_assert_num_queries, voters):
    people = cast_many(case, ["yes", "no"] * (voters // 2))
    for person in people[:5]:
        cast_vote(user=person, case=case, choice="depends")
    events = voters + 5

    with django_assert_num_queries(1):
        points = made_sense_history(case)

    assert len(points) == (events + CHART_BUCKET - 1) // CHART_BUCKET
    assert points[-1].step == events
    assert (points[-1].yes, points[-1].votes) == (case.votes_yes, voters)


# --- long histories --------------------------------------------------------------------


@pytest.mark.parametrize("events", [1_200, 1_203])
def test_a_long_history_reads_max_points_in_one_query(case, django_assert_num_queries, events):
    buckets = store_long_history(case, events)
    assert buckets > CHART_MAX_POINTS

    with django_assert_num_queries(1):
        points = made_sense_history(case)

    full = made_sense_history(case, max_points=None)
    assert len(full) == buckets
    assert len(points) == CHART_MAX_POINTS
    assert points[0] == full[0]
    assert points[0].step == CHART_BUCKET
    assert points[0].percent == 0
    assert points[-1] == full[-1]
    assert points[-1].step == events  # the last bucket, full or not
    assert points[-1].percent == 100
    assert [p.step for p in points] == sorted({p.step for p in points})
    assert points == [full[i] for i in sample_indexes(buckets, CHART_MAX_POINTS)]


def axis_labels(html):
    axis = re.search(r'<g class="verdict-chart-axis"[^>]*>(.*?)</g>', html, re.S).group(1)
    return [text.strip() for text in re.findall(r"<text [^>]*>([^<]*)</text>", axis)]


def short_date(moment, format_name="SHORT_DATE_FORMAT"):
    return date_format(timezone.localtime(moment), format_name)


def test_a_long_history_renders_its_dates_on_the_x_axis(case):
    store_long_history(case, 1_200)
    first, *_, last = VerdictPoint.objects.filter(case=case).order_by("bucket")

    html = render_chart(case)

    polyline = re.search(r'<polyline class="verdict-chart-line" points="([^"]+)"', html).group(1)
    coordinates = polyline.split()
    assert len(coordinates) == CHART_MAX_POINTS
    assert coordinates[0] == "0,100"  # 0 % after the first 5 events
    assert coordinates[-1] == "300,0"  # 100 % after all 1200
    # the dates of the first and the latest point, ten days apart; the axis's name below
    assert axis_labels(html) == [
        short_date(first.at),
        short_date(last.at),
        "votes cast and changed →",
    ]
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", axis_labels(html)[0])  # 29 Nov 2026
    assert "from 0 % in the first votes to 100 % now, with 400 votes in all" in html


# --- sampling and drawing --------------------------------------------------------------


def test_sample_indexes_leaves_short_ranges_alone():
    assert sample_indexes(0, 5) == []
    assert sample_indexes(3, 5) == [0, 1, 2]
    assert sample_indexes(5, 5) == [0, 1, 2, 3, 4]


def test_sample_indexes_spreads_evenly_keeping_first_and_last():
    assert sample_indexes(9, 5) == [0, 2, 4, 6, 8]
    assert sample_indexes(11, 3) == [0, 5, 10]
    assert sample_indexes(10, 1) == [9]  # one point: the latest
    assert sample_indexes(10, 0) == []


@pytest.mark.parametrize(("length", "count"), [(101, 100), (240, 100), (241, 100), (3600, 100)])
def test_sample_indexes_gives_exactly_count_distinct_indexes(length, count):
    indexes = sample_indexes(length, count)

    assert len(indexes) == count
    assert indexes == sorted(set(indexes))
    assert indexes[0] == 0
    assert indexes[-1] == length - 1
    gaps = {b - a for a, b in pairwise(indexes)}
    assert max(gaps) - min(gaps) <= 1


def test_svg_polyline_maps_events_to_x_and_share_to_y():
    at = timezone.now()
    points = [
        ChartPoint(step=5, votes=5, yes=5, created_at=at),  # 100 %
        ChartPoint(step=10, votes=10, yes=5, created_at=at),  # 50 %
        ChartPoint(step=12, votes=10, yes=0, created_at=at),  # 0 %
    ]

    assert svg_polyline(points, 300, 100) == "0,0 214.29,50 300,100"
    assert svg_polyline(points[:1], 300, 100) == "0,0"
    assert svg_polyline([], 300, 100) == ""


# --- the rendered chart ----------------------------------------------------------------


def test_the_chart_is_an_accessible_svg_without_style_or_script(case):
    cast_many(case, ["no", "no", "yes", "yes", "yes", "no", "yes", "yes", "no", "yes", "yes"])

    html = render_chart(case)

    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    for element_id in labelled_by:
        assert f'id="{element_id}"' in html
    assert "<title" in html
    first, *_, last = VerdictPoint.objects.filter(case=case).order_by("bucket")
    assert (
        f"Share of “made sense” from 60 % on {short_date(first.at, 'DATE_FORMAT')} to 64 % "
        f"on {short_date(last.at, 'DATE_FORMAT')}, over 11 votes</desc>"
    ) in html
    assert html.count("<line ") == 3  # the 0/50/100 % grid
    # points after events 5 (3 of 5), 10 (6 of 10) and 11 (7 of 11)
    assert re.search(r'<polyline class="verdict-chart-line" points="0,40 250,40 300,36.36"', html)
    assert "from 60 % in the first votes to 64 % now, with 11 votes in all" in html
    assert "after the first vote" not in html
    assert "(lowest 60 %, highest 64 %)" in html
    # the x-axis: the dates of the first and the last point (with the time when they fall on
    # the same day, as these do unless the test runs over midnight), then its name
    same_day = timezone.localdate(first.at) == timezone.localdate(last.at)
    shown = "SHORT_DATETIME_FORMAT" if same_day else "SHORT_DATE_FORMAT"
    assert axis_labels(html) == [
        short_date(first.at, shown),
        short_date(last.at, shown),
        "votes cast and changed →",
    ]
    assert not re.search(r"style=|<script|\son\w+=", html)


def test_the_svg_numbers_stay_numbers_in_german(case):
    cast_many(case, ["yes", "no", "no"] * 4)

    with override("de"):
        html = render_chart(case)

    points = re.search(r'points="([^"]+)"', html).group(1)
    assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", points)
    assert 'viewBox="-34 -8 342 140"' in html
    assert re.search(r'<text class="verdict-chart-axis-first" x="0" y="112"', html)
    assert re.search(r'<text class="verdict-chart-axis-name" x="150" y="126"', html)


# --- the recount -----------------------------------------------------------------------


def test_recount_finds_no_drift_after_real_votes_and_rebuilds_a_lost_point(case):
    people = cast_many(case, ["yes", "no", "depends"] * 4)
    cast_vote(user=people[1], case=case, choice="yes")
    cast_vote(user=people[2], case=case, choice="no")
    before = stored_points(case)
    times = list(VerdictPoint.objects.filter(case=case).order_by("bucket").values_list("at"))
    assert [events for _b, events, _v, _y in before] == [5, 10, 14]

    assert recount_votes(fix=False) == []

    VerdictPoint.objects.filter(case=case, bucket=1).delete()
    drifts = recount_votes(fix=False)

    assert [(d.case.pk, d.field) for d in drifts] == [(case.pk, "chart points")]
    assert "chart points stored 2, counted 3" in str(drifts[0])
    assert len(stored_points(case)) == 2  # only reported

    fixed = recount_votes()

    assert [d.field for d in fixed] == ["chart points"]
    assert stored_points(case) == before
    assert list(VerdictPoint.objects.filter(case=case).order_by("bucket").values_list("at")) == (
        times
    )
    assert recount_votes(fix=False) == []
