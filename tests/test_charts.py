"""The chart of how the share of "made sense" moved, replayed from the vote history."""

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import override

from cases.charts import (
    CHART_MAX_POINTS,
    CHART_MIN_VOTES,
    chart_for,
    downsample,
    made_sense_history,
    svg_polyline,
)
from cases.models import VoteEvent
from cases.services import cast_vote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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


def test_no_chart_below_ten_votes_and_no_query_for_it(case, django_assert_num_queries):
    cast_many(case, ["yes"] * (CHART_MIN_VOTES - 1))

    with django_assert_num_queries(0):
        assert chart_for(case) is None
    assert render_chart(case).strip() == ""


def test_changes_do_not_add_votes_towards_the_threshold(case):
    first, *_ = cast_many(case, ["yes"] * (CHART_MIN_VOTES - 1))
    cast_vote(user=first, case=case, choice="no")

    assert case.vote_total == 9
    assert chart_for(case) is None


def test_a_chart_from_ten_votes(case):
    cast_many(case, ["yes", "no"] * 5)

    chart = chart_for(case)

    assert CHART_MIN_VOTES == 10
    assert chart is not None
    assert chart.votes == 10
    assert len(chart.points) == 10
    assert chart.first_percent == 100
    assert chart.last_percent == 50


def test_replaying_casts_and_changes_gives_the_share_after_each_event(case):
    ann, ben, cem = UserFactory(), UserFactory(), UserFactory()
    cast_vote(user=ann, case=case, choice="yes")  # 1 of 1
    cast_vote(user=ben, case=case, choice="no")  # 1 of 2
    cast_vote(user=ann, case=case, choice="no")  # 0 of 2: a change moves a vote
    cast_vote(user=ann, case=case, choice="no")  # the same answer again: no event
    cast_vote(user=cem, case=case, choice="yes")  # 1 of 3
    cast_vote(user=ben, case=case, choice="depends")  # 1 of 3
    cast_vote(user=ann, case=case, choice="yes")  # 2 of 3

    points = made_sense_history(case)

    assert [(p.step, p.yes, p.votes) for p in points] == [
        (1, 1, 1),
        (2, 1, 2),
        (3, 0, 2),
        (4, 1, 3),
        (5, 1, 3),
        (6, 2, 3),
    ]
    assert [p.percent for p in points] == [100, 50, 0, 33, 33, 67]
    assert points[-1].yes == case.votes_yes
    assert points[-1].votes == case.vote_total


def test_history_is_ordered_by_time_not_by_insertion(case):
    now = timezone.now()
    VoteEvent.objects.create(case=case, choice="no")
    VoteEvent.objects.create(case=case, choice="yes")
    VoteEvent.objects.filter(choice="no").update(created_at=now + timedelta(minutes=1))
    VoteEvent.objects.filter(choice="yes").update(created_at=now)

    assert [p.percent for p in made_sense_history(case)] == [100, 50]


def test_big_histories_are_downsampled_keeping_first_and_last(case):
    start = timezone.now()
    VoteEvent.objects.bulk_create(
        VoteEvent(case=case, choice="yes" if n % 3 else "no", created_at=start)
        for n in range(1, 351)
    )
    VoteEvent.objects.update(created_at=start)  # auto_now_add overrode it; the id breaks ties

    full = made_sense_history(case, max_points=None)
    points = made_sense_history(case)

    assert len(full) == 350
    assert 2 <= len(points) <= CHART_MAX_POINTS
    assert points[0] == full[0]
    assert points[-1] == full[-1]
    assert [p.step for p in points] == sorted({p.step for p in points})


def test_downsample_leaves_short_histories_alone_and_caps_long_ones(case):
    cast_many(case, ["yes", "no", "depends"] * 4)
    points = made_sense_history(case, max_points=None)

    assert downsample(points, 100) == points
    assert len(downsample(points, 5)) == 5
    assert downsample(points, 5)[0] == points[0]
    assert downsample(points, 5)[-1] == points[-1]


@pytest.mark.parametrize("voters", [12, 40])
def test_made_sense_history_is_one_query(case, django_assert_num_queries, voters):
    people = cast_many(case, ["yes", "no"] * (voters // 2))
    for person in people[:5]:
        cast_vote(user=person, case=case, choice="depends")

    with django_assert_num_queries(1):
        points = made_sense_history(case)

    assert len(points) == voters + 5


def test_svg_polyline_maps_steps_to_x_and_share_to_y(case):
    ann, ben = UserFactory(), UserFactory()
    cast_vote(user=ann, case=case, choice="yes")  # 100 %
    cast_vote(user=ben, case=case, choice="no")  # 50 %
    cast_vote(user=ann, case=case, choice="no")  # 0 %

    points = made_sense_history(case)

    assert svg_polyline(points, 300, 100) == "0,0 150,50 300,100"
    assert svg_polyline(points[:1], 300, 100) == "0,0"
    assert svg_polyline([], 300, 100) == ""


def test_the_chart_is_an_accessible_svg_without_style_or_script(case):
    cast_many(case, ["no", "no", "yes", "yes", "yes", "no", "yes", "yes", "no", "yes", "yes"])

    html = render_chart(case)

    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert 'role="img"' in svg
    labelled_by = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    for element_id in labelled_by:
        assert f'id="{element_id}"' in html
    assert "<title" in html
    assert "Share of “made sense” from 0 % to 64 % over 11 votes</desc>" in html
    assert html.count("<line ") == 3  # the 0/50/100 % grid
    assert re.search(r'<polyline class="verdict-chart-line" points="0,100 [\d., ]+"', html)
    assert "from 0 % after the first vote to 64 % now, with 11 votes in all" in html
    assert not re.search(r"style=|<script|\son\w+=", html)


def test_the_svg_numbers_stay_numbers_in_german(case):
    cast_many(case, ["yes", "no", "no"] * 4)

    with override("de"):
        html = render_chart(case)

    points = re.search(r'points="([^"]+)"', html).group(1)
    assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", points)
    assert 'viewBox="-34 -8 342 116"' in html
