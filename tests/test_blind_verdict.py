"""The blind first verdict in the services: which votes are blind, the stored blind tallies and
shift against the rows, the recount, reveals, the curator's switch, and concurrent voters."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.figures import verdict_shift
from cases.models import Case, ModerationLog, VerdictReveal, Vote
from tests.conftest import run_at_once
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def fresh(case):
    return Case.objects.get(pk=case.pk)


def test_a_first_vote_on_a_blind_case_is_blind_and_counts_in_the_blind_verdict():
    case = CaseFactory(blind=True)
    voter = UserFactory()
    outcome = services.cast_vote(user=voter, case=case, choice="yes")
    assert outcome.vote.blind is True
    stored = fresh(case)
    assert (stored.blind_yes, stored.blind_no, stored.blind_depends) == (1, 0, 0)


def test_a_vote_after_a_reveal_is_not_blind_and_leaves_the_blind_verdict_alone():
    case = CaseFactory(blind=True)
    voter = UserFactory()
    services.reveal_verdict(user=voter, case=case)
    services.reveal_verdict(user=voter, case=case)  # asking twice keeps one row
    assert VerdictReveal.objects.filter(user=voter, case=case).count() == 1
    outcome = services.cast_vote(user=voter, case=case, choice="no")
    assert outcome.vote.blind is False
    stored = fresh(case)
    assert stored.votes_no == 1
    assert stored.blind_total == 0


def test_a_reveal_in_the_session_before_logging_in_makes_the_vote_not_blind():
    case = CaseFactory(blind=True)
    outcome = services.cast_vote(user=UserFactory(), case=case, choice="no", saw_result=True)
    assert outcome.vote.blind is False
    assert fresh(case).blind_total == 0


def test_votes_on_a_case_that_shows_its_result_are_never_blind():
    case = CaseFactory(blind_mode=False)
    outcome = services.cast_vote(user=UserFactory(), case=case, choice="yes")
    assert outcome.vote.blind is False
    assert fresh(case).blind_total == 0


def test_changing_a_blind_vote_keeps_the_first_answer_in_the_blind_verdict():
    case = CaseFactory(blind=True)
    voter = UserFactory()
    services.cast_vote(user=voter, case=case, choice="yes")
    services.cast_vote(user=voter, case=case, choice="no")
    services.cast_vote(user=voter, case=case, choice="depends")
    stored = fresh(case)
    assert (stored.blind_yes, stored.blind_no, stored.blind_depends) == (1, 0, 0)
    assert (stored.votes_yes, stored.votes_no, stored.votes_depends) == (0, 0, 1)
    vote = Vote.objects.get(user=voter, case=case)
    assert (vote.blind, vote.first_choice, vote.choice) == (True, "yes", "depends")


def test_the_shift_is_stored_from_ten_blind_votes_and_matches_the_rows():
    case = CaseFactory(blind=True)
    voters = UserFactory.create_batch(10)
    for voter in voters[:9]:
        services.cast_vote(user=voter, case=case, choice="yes")
    assert fresh(case).verdict_shift is None  # 9 blind votes: too few to compare
    services.cast_vote(user=voters[9], case=case, choice="no")
    assert fresh(case).verdict_shift == pytest.approx(0.0)
    for voter in voters[:4]:  # four minds change after the discussion
        services.cast_vote(user=voter, case=case, choice="no")
    stored = fresh(case)
    # blind 9/1/0, now 5/5/0: 40 points of the verdict moved
    assert stored.verdict_shift == pytest.approx(0.4)
    blind = Vote.objects.filter(case=case, blind=True)
    counted = tuple(blind.filter(first_choice=c).count() for c in ("yes", "no", "depends"))
    now = tuple(Vote.objects.filter(case=case, choice=c).count() for c in ("yes", "no", "depends"))
    assert counted == (9, 1, 0)
    assert now == (5, 5, 0)
    assert stored.verdict_shift == pytest.approx(verdict_shift(counted, now))
    assert stored.votes_moved == 4
    assert stored.moved_no == 4


def test_verdict_shift_is_the_part_of_the_verdict_that_moved():
    assert verdict_shift((62, 30, 8), (48, 44, 8)) == pytest.approx(0.14)
    assert verdict_shift((10, 0, 0), (0, 10, 0)) == pytest.approx(1.0)
    assert verdict_shift((5, 4, 0), (5, 4, 0)) is None  # 9 blind votes
    assert verdict_shift((10, 0, 0), (0, 0, 0)) is None


def test_the_recount_reports_and_repairs_drifted_blind_figures():
    case = CaseFactory(blind=True)
    for voter in UserFactory.create_batch(10):
        services.cast_vote(user=voter, case=case, choice="yes")
    Case.objects.filter(pk=case.pk).update(blind_yes=3, blind_no=2, verdict_shift=0.9)
    drifts = services.recount_votes(fix=False)
    assert {(d.field, d.stored, d.counted) for d in drifts} >= {
        ("blind_yes", 3, 10),
        ("blind_no", 2, 0),
        ("verdict_shift", 0.9, 0.0),
    }
    services.recount_votes(fix=True)
    stored = fresh(case)
    assert (stored.blind_yes, stored.blind_no, stored.verdict_shift) == (10, 0, 0.0)
    assert services.recount_votes(fix=False) == []


def test_a_curator_switches_blind_mode_and_the_act_is_logged(curator):
    case = CaseFactory(blind=True)
    services.set_blind_mode(moderator=curator, case=case, on=False)
    assert fresh(case).blind_mode is False
    services.set_blind_mode(moderator=curator, case=case, on=False)  # no change: no row
    services.set_blind_mode(moderator=curator, case=case, on=True)
    assert fresh(case).blind_mode is True
    actions = list(
        ModerationLog.objects.filter(case_id=case.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [ModerationLog.Action.BLIND_OFF, ModerationLog.Action.BLIND_ON]


def test_only_curators_switch_blind_mode_and_only_on_published_cases(user, curator):
    case = CaseFactory(blind=True)
    with pytest.raises(PermissionDenied):
        services.set_blind_mode(moderator=user, case=case, on=False)
    assert fresh(case).blind_mode is True
    draft = CaseFactory(draft=True, blind=True)
    with pytest.raises(ValidationError):
        services.set_blind_mode(moderator=curator, case=draft, on=False)
    assert not ModerationLog.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_blind_voters_leave_the_blind_verdict_and_the_shift_exact():
    """Blind first votes, reveals and changes of mind at once: the blind tallies move with F()
    and the stored shift is computed from the case's row read under its lock in cast_vote.
    Checked by hand to go red on PostgreSQL without that lock (select_for_update() on the
    case removed): the shift is computed from stale tallies and the recount reports it."""
    case = CaseFactory(blind=True)
    voters = UserFactory.create_batch(24)
    for voter in voters[::4]:
        services.reveal_verdict(user=voter, case=case)

    def work(i):
        voter = voters[i]
        services.cast_vote(user=voter, case=case, choice=["yes", "no", "depends"][i % 3])
        services.cast_vote(user=voter, case=case, choice=["no", "yes", "no"][i % 3])

    _, errors = run_at_once(len(voters), work)

    assert errors == []
    stored = fresh(case)
    assert stored.blind_total == Vote.objects.filter(case=case, blind=True).count() == 18
    assert stored.vote_total == 24
    assert services.recount_votes(fix=False) == []
