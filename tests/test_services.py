import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import Case, Comment, ModerationLog, VerdictPoint, Vote
from tests.conftest import run_at_once
from tests.factories import CaseFactory, CommentFactory, UserFactory, VoteFactory


def tallies(case):
    case.refresh_from_db()
    return case.votes_yes, case.votes_no, case.votes_depends


def test_first_vote_counts_once(case, user):
    outcome = services.cast_vote(user=user, case=case, choice="yes")
    assert outcome.is_new
    assert tallies(case) == (1, 0, 0)


def test_voting_again_changes_the_vote_and_never_adds_one(case, user):
    services.cast_vote(user=user, case=case, choice="yes")
    outcome = services.cast_vote(user=user, case=case, choice="no")
    assert outcome.changed
    assert outcome.previous_choice == "yes"
    assert Vote.objects.filter(user=user, case=case).count() == 1
    assert tallies(case) == (0, 1, 0)


def test_same_vote_twice_changes_nothing(case, user):
    services.cast_vote(user=user, case=case, choice="depends")
    outcome = services.cast_vote(user=user, case=case, choice="depends")
    assert not outcome.changed and not outcome.is_new
    assert tallies(case) == (0, 0, 1)


def test_invalid_choice_is_refused(case, user):
    with pytest.raises(ValidationError):
        services.cast_vote(user=user, case=case, choice="maybe")
    assert tallies(case) == (0, 0, 0)


def test_vote_on_a_draft_is_refused(draft_case, user):
    with pytest.raises(PermissionDenied):
        services.cast_vote(user=user, case=draft_case, choice="yes")
    assert not Vote.objects.exists()


def test_inactive_user_cannot_vote(case):
    sleeper = UserFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.cast_vote(user=sleeper, case=case, choice="yes")


def test_add_comment_strips_and_saves(case, user):
    comment = services.add_comment(author=user, case=case, body="  Made sense to me.  ")
    assert comment.body == "Made sense to me."
    assert comment.author == user


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * 10_001])
def test_add_comment_refuses_empty_and_overlong(case, user, body):
    with pytest.raises(ValidationError):
        services.add_comment(author=user, case=case, body=body)
    assert not Comment.objects.exists()


def test_add_comment_on_archived_case_is_refused(user):
    archived = CaseFactory(archived=True)
    with pytest.raises(PermissionDenied):
        services.add_comment(author=user, case=archived, body="Late.")


def test_hide_comment_keeps_the_row_and_logs_it(case, curator):
    comment = CommentFactory(case=case)
    services.hide_comment(moderator=curator, comment=comment, reason="Personal attack")
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_by == curator
    assert comment.hidden_reason == "Personal attack"
    log = ModerationLog.objects.get()
    assert (log.action, log.moderator_name, log.comment, log.case) == (
        "hide_comment",
        "curator",
        comment,
        case,
    )


def test_hide_comment_needs_a_reason_and_a_curator(case, curator, user):
    comment = CommentFactory(case=case)
    with pytest.raises(ValidationError):
        services.hide_comment(moderator=curator, comment=comment, reason="  ")
    with pytest.raises(PermissionDenied):
        services.hide_comment(moderator=user, comment=comment, reason="I dislike it")
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert not ModerationLog.objects.exists()


def test_restore_comment_brings_it_back_and_logs_it(case, curator):
    comment = CommentFactory(case=case, hidden_at=case.published_at, hidden_reason="spam")
    services.restore_comment(moderator=curator, comment=comment)
    comment.refresh_from_db()
    assert not comment.is_hidden
    assert ModerationLog.objects.get().action == "restore_comment"


def test_publishing_dates_the_case_once_and_logs(draft_case, curator):
    services.change_case_status(moderator=curator, case=draft_case, status="published")
    draft_case.refresh_from_db()
    first_date = draft_case.published_at
    assert draft_case.status == "published" and first_date is not None
    services.change_case_status(moderator=curator, case=draft_case, status="archived")
    services.change_case_status(moderator=curator, case=draft_case, status="published")
    draft_case.refresh_from_db()
    assert draft_case.published_at == first_date
    assert ModerationLog.objects.filter(action="change_case_status").count() == 3


def test_plain_user_cannot_change_case_status(draft_case, user):
    with pytest.raises(PermissionDenied):
        services.change_case_status(moderator=user, case=draft_case, status="published")


def test_recount_votes_reports_and_fixes_drift(case):
    VoteFactory.create_batch(2, case=case, choice="no")  # raw rows: tallies not touched
    drifts = services.recount_votes()
    assert [(d.case, d.field, d.stored, d.counted) for d in drifts] == [(case, "votes_no", 0, 2)]
    assert tallies(case) == (0, 2, 0)
    assert services.recount_votes() == []


@pytest.mark.django_db(transaction=True)
def test_fifty_people_voting_at_once_lose_nothing():
    case = CaseFactory()
    voters = UserFactory.create_batch(50)
    choices = ["yes", "no", "depends"]

    _, errors = run_at_once(
        50, lambda i: services.cast_vote(user=voters[i], case=case, choice=choices[i % 3])
    )

    assert errors == []
    assert Vote.objects.filter(case=case).count() == 50
    assert tallies(case) == (17, 17, 16)
    stored = Case.objects.get(pk=case.pk)
    # One event each, one chart point per five events: computed under the case's row lock.
    assert stored.event_count == 50
    assert VerdictPoint.objects.filter(case=case).count() == 10
    assert services.recount_votes(fix=False) == []


@pytest.mark.django_db(transaction=True)
def test_fifty_people_changing_their_votes_at_once_keep_tallies_exact():
    case = CaseFactory()
    voters = UserFactory.create_batch(50)
    for voter in voters:
        services.cast_vote(user=voter, case=case, choice="yes")

    _, errors = run_at_once(
        50, lambda i: services.cast_vote(user=voters[i], case=case, choice="no" if i % 2 else "yes")
    )

    assert errors == []
    assert tallies(case) == (25, 25, 0)
    assert Case.objects.get(pk=case.pk).votes_yes == Vote.objects.filter(choice="yes").count()
    assert Case.objects.get(pk=case.pk).event_count == 50 + 25  # 25 of them changed
    assert VerdictPoint.objects.filter(case=case).count() == 75 // 5
    assert services.recount_votes(fix=False) == []


@pytest.mark.django_db(transaction=True)
def test_one_person_voting_in_eight_tabs_at_once_has_one_vote():
    case, voter = CaseFactory(), UserFactory()

    _, errors = run_at_once(8, lambda i: services.cast_vote(user=voter, case=case, choice="no"))

    assert errors == []
    assert Vote.objects.filter(case=case).count() == 1
    assert tallies(case) == (0, 1, 0)
    assert services.recount_votes(fix=False) == []


@pytest.mark.django_db(transaction=True)
def test_twenty_people_crediting_one_comment_at_once_all_count():
    """Every credit counts: the case's row lock serialises them (F() adds on top of it)."""
    case = CaseFactory()
    comment = CommentFactory(case=case)
    people = UserFactory.create_batch(20)
    for person in people:
        services.cast_vote(user=person, case=case, choice="yes")
        services.cast_vote(user=person, case=case, choice="no")

    _, errors = run_at_once(
        20, lambda i: services.credit_mind_change(user=people[i], case=case, comment=comment)
    )

    assert errors == []
    comment.refresh_from_db()
    assert comment.minds_changed == 20
