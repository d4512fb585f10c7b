from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services
from cases.models import Comment, MindChange, ModerationLog, Vote, VoteEvent
from cases.tallies import depends_conditions, vote_shift
from tests.factories import CaseFactory, CommentFactory, UserFactory

# --- replies ---------------------------------------------------------------------------


def test_replies_nest_three_levels_and_deeper_ones_stay_on_the_third(case, user):
    top = services.add_comment(author=user, case=case, body="top")
    second = services.add_comment(author=user, case=case, body="second", parent=top)
    third = services.add_comment(author=user, case=case, body="third", parent=second)
    fourth = services.add_comment(author=user, case=case, body="fourth", parent=third)
    assert [c.depth for c in (top, second, third, fourth)] == [0, 1, 2, 2]
    assert fourth.parent == third


def test_reply_to_a_comment_of_another_case_is_refused(case, user):
    elsewhere = CommentFactory(case=CaseFactory())
    with pytest.raises(ValidationError):
        services.add_comment(author=user, case=case, body="hi", parent=elsewhere)


@pytest.mark.parametrize("state", ["hidden", "deleted"])
def test_reply_to_a_hidden_or_deleted_comment_is_refused(case, user, state):
    now = timezone.now()
    closed = CommentFactory(
        case=case,
        **({"hidden_at": now, "hidden_reason": "x"} if state == "hidden" else {"deleted_at": now}),
    )
    with pytest.raises(PermissionDenied):
        services.add_comment(author=user, case=case, body="hi", parent=closed)
    assert not Comment.objects.filter(parent=closed).exists()


# --- ratings ---------------------------------------------------------------------------


def test_rating_is_once_per_user_changeable_and_removable(case, user):
    comment = CommentFactory(case=case)
    services.rate_comment(user=user, comment=comment, value=1)
    services.rate_comment(user=user, comment=comment, value=1)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (1, 0)
    services.rate_comment(user=user, comment=comment, value=-1)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes) == (0, 1)
    services.rate_comment(user=user, comment=comment, value=None)
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes, comment.ratings.count()) == (0, 0, 0)


def test_rating_ones_own_or_a_deleted_comment_is_refused(case, user):
    own = CommentFactory(case=case, author=user)
    deleted = CommentFactory(case=case, deleted_at=timezone.now())
    for comment in (own, deleted):
        with pytest.raises(PermissionDenied):
            services.rate_comment(user=user, comment=comment, value=1)
    assert not own.ratings.exists() and not deleted.ratings.exists()


# --- edit and delete -------------------------------------------------------------------


def test_author_edits_within_15_minutes_and_it_says_edited(case, user):
    comment = CommentFactory(case=case, author=user)
    services.edit_comment(editor=user, comment=comment, body="Better words.")
    comment.refresh_from_db()
    assert comment.body == "Better words." and comment.edited_at is not None
    assert not ModerationLog.objects.exists()


def test_author_cannot_edit_after_15_minutes(case, user):
    comment = CommentFactory(case=case, author=user)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.edit_comment(editor=user, comment=comment, body="Too late.")


def test_curator_edits_any_time_with_a_reason_and_it_is_logged(case, curator):
    comment = CommentFactory(case=case)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=3))
    comment.refresh_from_db()
    with pytest.raises(ValidationError):
        services.edit_comment(editor=curator, comment=comment, body="Redacted.", reason="")
    services.edit_comment(editor=curator, comment=comment, body="Redacted.", reason="Doxxing")
    log = ModerationLog.objects.get()
    assert (log.action, log.reason, log.comment_id) == ("edit_comment", "Doxxing", comment.pk)


def test_author_deletes_softly_and_replies_stay(case, user):
    comment = CommentFactory(case=case, author=user)
    reply = CommentFactory(case=case, parent=comment, depth=1)
    services.delete_comment(actor=user, comment=comment)
    comment.refresh_from_db()
    assert comment.is_deleted and Comment.objects.filter(pk=reply.pk).exists()
    assert not ModerationLog.objects.exists()


def test_others_cannot_delete_and_curators_must_say_why(case, user, other_user, curator):
    comment = CommentFactory(case=case, author=user)
    with pytest.raises(PermissionDenied):
        services.delete_comment(actor=other_user, comment=comment)
    with pytest.raises(ValidationError):
        services.delete_comment(actor=curator, comment=comment)
    services.delete_comment(actor=curator, comment=comment, reason="Spam link")
    assert ModerationLog.objects.get().action == "delete_comment"


# --- changing minds --------------------------------------------------------------------


@pytest.fixture
def argument(case, other_user):
    return CommentFactory(case=case, author=other_user, body="Think of the customers' data.")


def test_a_real_change_of_vote_credits_a_comment_once(case, user, argument, vote):
    vote(user, case, "yes")
    with pytest.raises(PermissionDenied):  # no change yet
        services.credit_mind_change(user=user, case=case, comment=argument)
    vote(user, case, "no")
    change = services.credit_mind_change(user=user, case=case, comment=argument)
    assert (change.from_choice, change.to_choice, change.change_number) == ("yes", "no", 1)
    argument.refresh_from_db()
    assert argument.minds_changed == 1
    with pytest.raises(PermissionDenied):  # once per change
        services.credit_mind_change(user=user, case=case, comment=argument)
    vote(user, case, "depends")  # another change may credit again
    services.credit_mind_change(user=user, case=case, comment=argument)
    assert MindChange.objects.count() == 2
    assert Vote.objects.get(user=user).first_choice == "yes"


def test_same_answer_again_is_no_change(case, user, argument, vote):
    vote(user, case, "yes")
    vote(user, case, "yes")
    with pytest.raises(PermissionDenied):
        services.credit_mind_change(user=user, case=case, comment=argument)


@pytest.mark.parametrize("which", ["own", "other_case", "hidden", "deleted"])
def test_credit_refuses_own_foreign_hidden_and_deleted_comments(case, user, vote, which):
    now = timezone.now()
    comment = {
        "own": lambda: CommentFactory(case=case, author=user),
        "other_case": lambda: CommentFactory(case=CaseFactory()),
        "hidden": lambda: CommentFactory(case=case, hidden_at=now, hidden_reason="x"),
        "deleted": lambda: CommentFactory(case=case, deleted_at=now),
    }[which]()
    vote(user, case, "yes")
    vote(user, case, "no")
    with pytest.raises(ValidationError):
        services.credit_mind_change(user=user, case=case, comment=comment)
    assert not MindChange.objects.exists()


def test_shift_counts_voters_who_moved_since_their_first_vote(case, vote):
    voters = UserFactory.create_batch(5)
    for voter in voters:
        vote(voter, case, "yes")
    vote(voters[0], case, "no")
    vote(voters[1], case, "no")
    vote(voters[2], case, "depends")
    vote(voters[3], case, "no")
    vote(voters[3], case, "yes")  # back where they started: not moved
    shift = vote_shift(case)
    assert (shift.total, shift.moved) == (5, 3)
    assert [(choice, n) for choice, _, n in shift.toward] == [("no", 2), ("depends", 1)]
    assert VoteEvent.objects.filter(case=case).count() == 5 + 5


def test_depends_condition_is_kept_only_with_depends(case, user, other_user, vote):
    services.cast_vote(user=user, case=case, choice="depends", condition="  if told  ")
    services.cast_vote(user=other_user, case=case, choice="yes", condition="ignored")
    assert [group.text for group in depends_conditions(case).groups] == ["if told"]
    assert Vote.objects.get(user=other_user).condition == ""
    with pytest.raises(ValidationError):
        services.cast_vote(user=user, case=case, choice="depends", condition="x" * 201)
