"""Issue 12: the list sorted by the largest shift (`?sort=shifted`), from the stored
`verdict_shift` (cases.figures.verdict_shift): cases below MIN_BLIND_VOTES blind votes are left
out, and the list says how many and why."""

import re

import pytest
from django.conf import settings
from django.db import connection

from cases.figures import MIN_BLIND_VOTES, verdict_shift
from cases.forms import CaseFilterForm
from cases.models import Case
from cases.querysets import sort_note
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
NOTE = (
    "This order lists only cases with at least 10 blind votes: it compares the first, blind "
    "verdict with today's."
)


def tallied(title, *, blind=(0, 0, 0), now=(0, 0, 0)):
    """A published case with these blind and current (yes, no, depends) tallies and the shift
    that votes store with them (the vote service keeps them; here they are written as is)."""
    case = CaseFactory(title=title)
    Case.objects.filter(pk=case.pk).update(
        blind_yes=blind[0],
        blind_no=blind[1],
        blind_depends=blind[2],
        votes_yes=now[0],
        votes_no=now[1],
        votes_depends=now[2],
        verdict_shift=verdict_shift(blind, now),
    )
    return Case.objects.get(pk=case.pk)


def titles_in(response):
    return re.findall(r'<h2 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', response.text)


def test_the_largest_shift_comes_first_and_ties_go_to_more_votes():
    tallied("Unmoved", blind=(6, 4, 0), now=(6, 4, 0))  # shift 0.0: listed, last
    tallied("Turned around", blind=(10, 0, 0), now=(2, 8, 0))  # 0.8
    tallied("Moved a little", blind=(6, 3, 1), now=(5, 4, 1))  # 0.1
    tallied("Moved a little, more votes", blind=(12, 6, 2), now=(10, 8, 2))  # 0.1, 20 votes
    tallied("Too few blind votes", blind=(5, 4, 0), now=(0, 9, 0))  # NULL: left out

    ranked = Case.objects.published().sorted_by("shifted")

    assert [case.title for case in ranked] == [
        "Turned around",
        "Moved a little, more votes",
        "Moved a little",
        "Unmoved",
    ]
    assert list(Case.objects.most_shifted()) == list(ranked)


def test_the_list_leaves_out_cases_below_the_minimum_and_says_how_many(client):
    tallied("Turned around", blind=(10, 0, 0), now=(2, 8, 0))
    tallied("Nine blind votes", blind=(9, 0, 0), now=(0, 9, 0))
    tallied("No votes")
    CaseFactory(title="A draft", draft=True)

    response = client.get("/?sort=shifted")

    assert response.status_code == 200
    assert titles_in(response) == ["Turned around"]
    page = " ".join(response.text.split())
    assert f"{NOTE} 2 cases are left out." in page
    assert 'value="shifted" selected' in response.text
    note = sort_note("shifted", Case.objects.published())
    assert note == {
        "sort": "shifted",
        "minimum": MIN_BLIND_VOTES,
        "perspectives": 2,
        "left_out": 2,
    }
    # Every case measured: nothing to say.
    assert "left out" not in client.get("/?sort=shifted&q=turned").text


def test_a_case_reaching_the_minimum_joins_the_list(client):
    case = tallied("Almost", blind=(9, 0, 0), now=(9, 0, 0))
    assert titles_in(client.get("/?sort=shifted")) == []
    Case.objects.filter(pk=case.pk).update(
        blind_yes=10, votes_no=1, verdict_shift=verdict_shift((10, 0, 0), (10, 1, 0))
    )
    assert titles_in(client.get("/?sort=shifted")) == ["Almost"]


def test_the_filter_form_accepts_shifted_and_offers_it():
    form = CaseFilterForm({"sort": "shifted"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["sort"] == "shifted"
    assert "shifted" in dict(CaseFilterForm.SORTS)
    assert not CaseFilterForm({"sort": "shifty"}).is_valid()


def test_the_list_offers_the_sort(client):
    assert '<option value="shifted">Verdict moved most</option>' in client.get("/").text


@pytest.mark.parametrize("size", [3, 30])
def test_the_shifted_list_runs_a_constant_number_of_queries(
    client, django_assert_num_queries, size
):
    for number in range(size):
        tallied(f"Case {number}", blind=(10, 0, number % 5), now=(5, 5, number % 5))
    tallied("Too few", blind=(1, 0, 0), now=(1, 0, 0))
    # count for the paginator, one page of cases, categories for the filter, and the cases
    # `shifted` leaves out (the sort note)
    with django_assert_num_queries(4):
        response = client.get("/?sort=shifted")
    assert len(titles_in(response)) == min(size, settings.CASES_PER_PAGE)
    assert "1 case is left out." in response.text


@pytest.mark.skipif(not ON_POSTGRESQL, reason="query plans are PostgreSQL's")
def test_the_sort_and_its_note_read_an_index_on_postgresql():
    """As tests/test_query_plans.py: with sequential scans off, a "Seq Scan" left in a plan
    means no index can serve the query."""
    tallied("Turned around", blind=(10, 0, 0), now=(2, 8, 0))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    published = Case.objects.published()
    listed = published.select_related("category").sorted_by("shifted")[:20].explain()
    # An index serves it (which one, and whether it sorts, is the planner's choice on a table
    # this small; case_shift_idx is there to give the order at scale).
    assert "Seq Scan on cases_case" not in listed, listed
    left_out = published.filter(verdict_shift__isnull=True).order_by().explain()
    assert "Seq Scan on cases_case" not in left_out, left_out
