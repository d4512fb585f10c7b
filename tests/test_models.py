import pytest
from django.db import IntegrityError, transaction

from cases.models import Case, Comment, Vote
from cases.tallies import verdict_of
from tests.factories import CaseFactory, CommentFactory, UserFactory, VoteFactory


def test_one_vote_per_user_and_case_is_enforced_by_the_database(case, user):
    VoteFactory(user=user, case=case)
    with pytest.raises(IntegrityError), transaction.atomic():
        VoteFactory(user=user, case=case, choice=Vote.Choice.NO)


def test_vote_choice_outside_the_answers_is_refused_by_the_database(case, user):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=user, case=case, choice="maybe")


def test_published_case_without_date_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(status=Case.Status.PUBLISHED, published_at=None)


def test_hidden_comment_needs_a_reason(case):
    comment = CommentFactory(case=case)
    comment.hidden_at = comment.created_at
    with pytest.raises(IntegrityError), transaction.atomic():
        comment.save()


def test_comment_survives_its_author_leaving(case):
    comment = CommentFactory(case=case)
    comment.author.delete()
    comment.refresh_from_db()
    assert comment.author is None
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_published_queryset_hides_drafts_and_archived(db):
    published = CaseFactory()
    CaseFactory(draft=True)
    CaseFactory(archived=True)
    assert list(Case.objects.published()) == [published]


def test_staff_preview_sees_drafts_but_plain_users_do_not(draft_case, curator, user):
    assert draft_case in Case.objects.visible_to(curator)
    assert draft_case not in Case.objects.visible_to(user)


@pytest.mark.parametrize(
    ("tallies", "percents"),
    [
        ((0, 0, 0), [0, 0, 0]),
        ((1, 1, 1), [34, 33, 33]),
        ((2, 1, 0), [67, 33, 0]),
        ((1, 0, 0), [100, 0, 0]),
        ((5, 3, 2), [50, 30, 20]),
    ],
)
def test_verdict_shares_add_up_to_100(db, tallies, percents):
    case = CaseFactory.build(votes_yes=tallies[0], votes_no=tallies[1], votes_depends=tallies[2])
    shares = verdict_of(case)
    assert [share.percent for share in shares] == percents
    assert [share.count for share in shares] == list(tallies)
    assert [share.choice for share in shares] == ["yes", "no", "depends"]


def test_stored_comment_count_follows_posting_hiding_deleting_and_restoring(
    case, user, other_user, curator
):
    from cases import services

    def stored():
        return Case.objects.get(pk=case.pk).comment_count

    first = services.add_comment(author=user, case=case, body="One.")
    second = services.add_comment(author=other_user, case=case, body="Two.")
    services.add_comment(author=user, case=case, body="A reply.", parent=second)
    assert stored() == 3
    services.hide_comment(moderator=curator, comment=second, reason="Spam.")
    services.hide_comment(moderator=curator, comment=second, reason="Spam again.")
    assert stored() == 2
    services.delete_comment(actor=user, comment=first)
    assert stored() == 1
    services.restore_comment(moderator=curator, comment=second)
    assert stored() == 2
    assert services.recount_votes(fix=False) == []


def test_comment_is_annotated_with_its_authors_current_vote(case, vote):
    voter, silent = UserFactory(), UserFactory()
    vote(voter, case, "depends")
    CommentFactory(case=case, author=voter)
    CommentFactory(case=case, author=silent)
    badges = dict(Comment.objects.with_author_vote().values_list("author__username", "author_vote"))
    assert badges == {voter.username: "depends", silent.username: None}
