"""The verdict per perspective on the case page, and the `split` measure for the list."""

import re

import pytest
from django.template.loader import render_to_string

from cases.models import Case
from cases.perspectives import MIN_VOTES_PER_PERSPECTIVE, verdict_by_perspective
from cases.services import cast_vote
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def voters(case, perspective, *, yes=0, no=0, depends=0):
    """Cast real votes on the case from new users of one perspective ("" for none)."""
    for choice, n in (("yes", yes), ("no", no), ("depends", depends)):
        for _ in range(n):
            cast_vote(user=UserFactory(perspective=perspective), case=case, choice=choice)


def split_of(case):
    """The stored split, as the vote service left it."""
    return Case.objects.get(pk=case.pk).perspective_split


# --- verdict_by_perspective ----------------------------------------------------------------


def test_each_perspective_gets_counts_and_shares_that_add_up_to_100(case):
    voters(case, "manager", yes=7, no=2, depends=1)
    voters(case, "employee", yes=4, no=6, depends=1)

    verdicts = {v.perspective: v for v in verdict_by_perspective(case)}

    manager = verdicts["manager"]
    assert manager.label == "Manager or owner"
    assert manager.total == 10
    assert manager.counts == {"yes": 7, "no": 2, "depends": 1}
    assert [(s.choice, s.count, s.percent) for s in manager.shares] == [
        ("yes", 7, 70),
        ("no", 2, 20),
        ("depends", 1, 10),
    ]
    assert manager.made_sense_percent == 70
    assert not manager.too_few
    # 4/11, 6/11, 1/11 = 36.4, 54.5, 9.1: largest remainder makes them add up to 100.
    employee = verdicts["employee"]
    assert [s.percent for s in employee.shares] == [36, 55, 9]
    assert sum(s.percent for s in employee.shares) == 100
    assert [s.offset for s in employee.shares] == [0, 36, 91]


def test_perspectives_come_in_the_order_of_the_choices_and_only_with_votes(case):
    voters(case, "other", yes=1)
    voters(case, "employee", no=1)
    voters(case, "customer", depends=1)

    assert [v.perspective for v in verdict_by_perspective(case)] == [
        "employee",
        "customer",
        "other",
    ]


def test_a_perspective_below_ten_votes_is_too_few(case):
    voters(case, "manager", yes=MIN_VOTES_PER_PERSPECTIVE)
    voters(case, "employee", yes=MIN_VOTES_PER_PERSPECTIVE - 1)

    verdicts = {v.perspective: v for v in verdict_by_perspective(case)}

    assert MIN_VOTES_PER_PERSPECTIVE == 10
    assert verdicts["manager"].too_few is False
    assert verdicts["employee"].too_few is True
    assert verdicts["employee"].total == 9


def test_voters_without_a_perspective_are_not_a_perspective(case):
    voters(case, "", yes=5, no=5)
    voters(case, "contractor", no=2)

    verdicts = verdict_by_perspective(case)

    assert [(v.perspective, v.total) for v in verdicts] == [("contractor", 2)]


def test_current_votes_count_not_first_ones_and_other_cases_do_not(case):
    manager = UserFactory(perspective="manager")
    cast_vote(user=manager, case=case, choice="yes")
    cast_vote(user=manager, case=case, choice="no")
    cast_vote(user=manager, case=CaseFactory(), choice="yes")

    [verdict] = verdict_by_perspective(case)

    assert verdict.counts == {"yes": 0, "no": 1, "depends": 0}


def test_nobody_with_a_perspective_voted(case):
    voters(case, "", yes=3)

    assert verdict_by_perspective(case) == []


@pytest.mark.parametrize("per_choice", [1, 4])
def test_verdict_by_perspective_is_one_query(case, django_assert_num_queries, per_choice):
    for perspective in ("employee", "manager", "contractor", "customer", "other", ""):
        voters(case, perspective, yes=per_choice, no=per_choice, depends=per_choice)

    with django_assert_num_queries(1):
        verdicts = verdict_by_perspective(case)

    assert [v.total for v in verdicts] == [3 * per_choice] * 5


# --- the split -------------------------------------------------------------------------------


def test_split_is_the_largest_gap_in_made_sense_between_qualifying_perspectives(case):
    voters(case, "manager", yes=7, no=3)  # 70 %
    voters(case, "employee", yes=7, no=10, depends=3)  # 35 %
    voters(case, "customer", yes=9)  # 100 %, but only 9 votes: ignored
    voters(case, "", no=30)  # no perspective: ignored

    assert split_of(case) == pytest.approx(0.35)


def test_split_with_three_qualifying_perspectives_is_highest_minus_lowest(case):
    voters(case, "contractor", yes=5, no=5)  # 50 %
    voters(case, "customer", yes=9, no=1)  # 90 %
    voters(case, "other", no=10)  # 0 %

    assert split_of(case) == pytest.approx(0.9)


def test_split_needs_two_qualifying_perspectives(case):
    voters(case, "manager", yes=10)
    voters(case, "employee", no=9)

    assert split_of(case) is None
    assert split_of(CaseFactory()) is None  # no votes at all


def test_perspectives_that_agree_have_a_split_of_zero(case):
    voters(case, "customer", yes=5, no=5)
    voters(case, "other", yes=6, depends=6)

    assert split_of(case) == pytest.approx(0.0)


def test_most_split_orders_by_split_then_votes_and_leaves_out_the_rest(db):
    wide = CaseFactory(title="Wide")  # 90 % vs 10 %: 0.8
    voters(wide, "manager", yes=9, no=1)
    voters(wide, "employee", yes=1, no=9)
    narrow = CaseFactory(title="Narrow")  # 70 % vs 35 %, 30 votes
    voters(narrow, "manager", yes=7, no=3)
    voters(narrow, "employee", yes=7, no=13)
    narrow_busier = CaseFactory(title="Narrow, more votes")  # 70 % vs 35 %, 40 votes
    voters(narrow_busier, "manager", yes=14, no=6)
    voters(narrow_busier, "employee", yes=7, no=13)
    one_perspective = CaseFactory(title="One perspective")
    voters(one_perspective, "manager", yes=10)
    voters(one_perspective, "employee", no=9)
    CaseFactory(title="No votes")

    ranked = list(Case.objects.all().most_split())

    assert [c.title for c in ranked] == ["Wide", "Narrow, more votes", "Narrow"]
    assert [c.perspective_split for c in ranked] == pytest.approx([0.8, 0.35, 0.35])


def test_split_is_one_query_on_the_list_pages_queryset(db, django_assert_num_queries):
    for n in range(3):
        case = CaseFactory(title=f"Case {n}")
        voters(case, "manager", yes=10 - n, no=n)
        voters(case, "employee", no=10)
    queryset = Case.objects.published().select_related("category")

    with django_assert_num_queries(1):
        ranked = list(queryset.most_split())

    assert [c.title for c in ranked] == ["Case 0", "Case 1", "Case 2"]
    assert [c.comment_count for c in ranked] == [0, 0, 0]


# --- the partial -----------------------------------------------------------------------------


def test_the_partial_shows_bars_with_numbers_and_too_few_votes(case):
    voters(case, "manager", yes=7, no=3)
    voters(case, "employee", yes=1, no=2)

    html = render_to_string(
        "cases/_perspectives.html", {"perspective_verdicts": verdict_by_perspective(case)}
    )

    assert "Verdict by perspective" in html
    # the perspectives with enough votes first, with bars; the others named together below
    manager_row, too_few = html.split("Manager or owner</span>", 1)[1].split("Too few", 1)
    assert "10 votes" in manager_row
    assert '<rect class="verdict-fill-yes" x="0" y="0" width="70" height="6">' in manager_row
    assert "70&nbsp;% (7 votes)" in manager_row
    assert "Employee</span> (3 votes)" in too_few
    assert "verdict-fill" not in too_few
    assert html.lower().count("too few") == 1
    assert not re.search(r"style=|<script|\son\w+=", html)


def test_the_partial_has_an_empty_state(db):
    html = render_to_string("cases/_perspectives.html", {"perspective_verdicts": []})

    assert "Verdict by perspective" in html
    assert "Nobody who voted has said how they look at outsourcing yet." in html
