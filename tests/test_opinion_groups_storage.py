"""Opinion groups from the site's votes: `compute_opinion_groups` (service, command and nightly
job) stores them, and the selectors read them. The computation itself:
tests/test_opinion_groups.py."""

from datetime import datetime
from io import StringIO

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from huey.contrib.djhuey import HUEY

from cases.models import (
    Case,
    GroupCaseShare,
    OpinionGroup,
    OpinionGroupRun,
    ReaderGroup,
    Vote,
)
from cases.opinion_groups import OpinionGroups
from cases.selectors.groups import (
    case_group_verdicts,
    consensus_cases,
    furthest_cases,
    latest_groups,
    latest_run,
    reader_group,
)
from cases.services.opinion_groups import compute_opinion_groups, store_opinion_groups
from cases.tasks import compute_opinion_groups_nightly
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

# Three camps of twelve readers over twelve cases (Y made sense, N did not, D it depends). All
# agree that case 11 made sense; camp "c" alone says "it depends" on cases 0–3.
STANCES = {
    "a": "YYYYYYNNNNNY",
    "b": "NNNNNNYYYYYY",
    "c": "DDDDYYDDNNNY",
}
CHOICES = {"Y": "yes", "N": "no", "D": "depends"}
CAMP_SIZE = 12


@pytest.fixture
def camps():
    """{camp: its readers}, each reader's votes stored; every fourth reader strays once."""
    cases = [CaseFactory(title=f"Camp case {n}") for n in range(12)]
    camps, votes = {}, []
    for camp, stances in STANCES.items():
        camps[camp] = [UserFactory(username=f"{camp}-{i}") for i in range(CAMP_SIZE)]
        for i, reader in enumerate(camps[camp]):
            for n, case in enumerate(cases):
                choice = CHOICES[stances[n]]
                if i % 4 == 0 and n == i % 11:
                    choice = "depends" if choice != "depends" else "yes"
                votes.append(Vote(user=reader, case=case, choice=choice, first_choice=choice))
    Vote.objects.bulk_create(votes)
    camps["cases"] = cases
    return camps


def group_of(user) -> OpinionGroup:
    return ReaderGroup.objects.select_related("group").get(user=user).group


def test_compute_stores_one_group_per_camp_with_its_votes_per_case(camps):
    computed = compute_opinion_groups()

    run = computed.run
    assert (run.k, run.readers, run.cases, run.votes) == (3, 36, 12, 432)
    assert computed.votes_read == 432
    assert run.seconds > 0
    assert OpinionGroup.objects.filter(run=run).count() == 3
    assert sorted(OpinionGroup.objects.values_list("size", flat=True)) == [12, 12, 12]
    assert ReaderGroup.objects.count() == 36
    groups = {camp: {group_of(reader) for reader in camps[camp]} for camp in STANCES}
    assert all(len(found) == 1 for found in groups.values())
    assert len(set.union(*groups.values())) == 3
    # Camp "a" on case 0: eleven "made sense", the stray reader (a-0) "it depends".
    share = GroupCaseShare.objects.get(group=groups["a"].pop(), case=camps["cases"][0])
    assert (share.votes_yes, share.votes_no, share.votes_depends) == (11, 0, 1)
    assert share.total == 12


def test_votes_on_unpublished_cases_and_readers_with_few_votes_are_left_out(camps):
    draft = CaseFactory(draft=True)
    few = UserFactory(username="few-votes")
    Vote.objects.bulk_create(
        [Vote(user=reader, case=draft, choice="yes") for reader in camps["a"]]
        + [Vote(user=few, case=case, choice="no") for case in camps["cases"][:4]]
    )

    run = compute_opinion_groups().run

    assert (run.readers, run.cases) == (36, 12)
    assert not GroupCaseShare.objects.filter(case=draft).exists()
    assert not ReaderGroup.objects.filter(user=few).exists()


def test_the_automatic_label_names_the_groups_answer_where_it_stands_apart(camps):
    compute_opinion_groups()

    label = group_of(camps["c"][1]).label_auto
    # Camp "c" alone says "it depends" on cases 0–3.
    assert "“It depends” on Camp case " in label
    assert any(f"Camp case {n}" in label for n in range(4))
    assert str(group_of(camps["c"][1])) == label


def test_a_new_run_replaces_the_groups_and_keeps_a_curators_label(camps):
    compute_opinion_groups()
    OpinionGroup.objects.filter(pk=group_of(camps["b"][0]).pk).update(label="Loyalty first")
    # Readers of camp "a" change their minds on case 0 only: the groups stay.
    Vote.objects.filter(user__in=camps["a"], case=camps["cases"][0]).update(choice="no")

    run = compute_opinion_groups().run

    assert OpinionGroupRun.objects.count() == 2
    assert set(OpinionGroup.objects.values_list("run", flat=True)) == {run.pk}
    assert ReaderGroup.objects.count() == 36
    assert group_of(camps["b"][0]).label == "Loyalty first"
    assert group_of(camps["b"][0]).shown_label == "Loyalty first"
    assert OpinionGroup.objects.exclude(label="").count() == 1
    share = GroupCaseShare.objects.get(group=group_of(camps["a"][5]), case=camps["cases"][0])
    assert share.votes_no == 12


def test_without_enough_votes_a_run_stores_no_groups(camps):
    compute_opinion_groups()
    Vote.objects.all().delete()

    run = compute_opinion_groups().run

    assert (run.k, run.readers, run.votes) == (0, 0, 0)
    assert not OpinionGroup.objects.exists()
    assert not ReaderGroup.objects.exists()
    assert latest_groups() == []


def test_the_command_prints_the_groups_and_the_time(camps):
    out = StringIO()
    call_command("compute_opinion_groups", stdout=out)

    text = out.getvalue()
    assert "Read 432 votes in" in text
    assert "432 votes of 36 readers on 12 cases took part." in text
    assert "Found 3 groups (silhouette" in text
    assert "Done in" in text
    assert OpinionGroupRun.objects.get().k == 3


def test_the_command_says_when_there_are_too_few_votes(db):
    out = StringIO()
    call_command("compute_opinion_groups", stdout=out)
    assert "Too few readers or cases to find groups." in out.getvalue()


def test_the_worker_runs_it_every_night_at_a_quarter_to_three(camps):
    nightly = compute_opinion_groups_nightly.task_class
    assert nightly in {type(task) for task in HUEY.read_periodic(datetime(2026, 5, 1, 2, 45))}
    assert nightly not in {type(task) for task in HUEY.read_periodic(datetime(2026, 5, 1, 12))}

    compute_opinion_groups_nightly.call_local()

    assert OpinionGroupRun.objects.get().k == 3


# --- the reads ----------------------------------------------------------------------------


def test_selectors_read_the_groups_in_one_query_each(camps, django_assert_num_queries):
    compute_opinion_groups()
    case = camps["cases"][0]

    with django_assert_num_queries(1):
        groups = latest_groups()
    with django_assert_num_queries(1):
        run = latest_run()
    with django_assert_num_queries(1):
        furthest = furthest_cases(limit=3)
    with django_assert_num_queries(1):
        verdicts = case_group_verdicts(case)
    with django_assert_num_queries(1):
        mine = reader_group(camps["c"][2])

    assert [group.number for group in groups] == [1, 2, 3]
    assert run.k == 3
    assert mine == group_of(camps["c"][2])
    # Camp "c" stands apart on cases 0–3, where it alone says "it depends".
    apart = [share.case.title for share in furthest[mine.pk]]
    assert len(apart) == 3
    assert set(apart) <= {f"Camp case {n}" for n in range(4)}
    assert [share.place for share in furthest[mine.pk]] == [1, 2, 3]
    distances = [share.distance for share in furthest[mine.pk]]
    assert distances == sorted(distances, reverse=True)
    assert set(furthest) == {group.pk for group in groups}
    assert [share.group.number for share in verdicts] == [1, 2, 3]
    by_group = {share.group_id: share for share in verdicts}
    assert by_group[mine.pk].votes_depends == 11  # c-0 strays on case 0: "made sense"


def test_consensus_cases_are_those_every_group_answers_alike(camps, django_assert_num_queries):
    compute_opinion_groups()
    groups = latest_groups()

    with django_assert_num_queries(2):
        consensus = consensus_cases(groups)

    assert [item.case.title for item in consensus] == ["Camp case 11"]
    item = consensus[0]
    assert item.answer == "yes"
    assert item.agreement == 1.0
    assert [share.group_id for share in item.shares] == [group.pk for group in groups]


def test_small_groups_are_not_shown_nor_named_to_their_members(camps):
    readers = [reader.pk for reader in camps["a"] + camps["b"][:3]]
    cases = [case.pk for case in camps["cases"]]
    counts = np.zeros((2, 12, 3), dtype=np.int64)
    counts[0, :, 0], counts[1, :, 1] = 12, 3
    result = OpinionGroups(
        readers=np.arange(15),
        cases=np.arange(12),
        labels=np.array([0] * 12 + [1] * 3),
        coordinates=np.zeros((15, 2)),
        centres=np.array([[1.0, 0.0], [-1.0, 0.0]]),
        counts=counts,
        k=2,
        silhouette=0.5,
        votes=180,
    )

    store_opinion_groups(result=result, user_ids=readers, case_ids=cases, seconds=1.0)

    assert [group.size for group in latest_groups()] == [12]
    assert reader_group(camps["b"][0]) is None
    assert reader_group(camps["a"][0]).number == 1
    assert reader_group(AnonymousUser()) is None
    assert [share.group.number for share in case_group_verdicts(camps["cases"][0])] == [1]
    assert consensus_cases(latest_groups()) == []
    assert OpinionGroupRun.objects.get().seconds >= 1.0
    assert Case.objects.count() == 12
