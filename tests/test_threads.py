import pytest

from cases import services
from cases.models import Comment
from cases.threads import best_by_side, build_threads, flatten, wilson_lower_bound
from cases.views.page import case_comments
from tests.factories import CommentFactory, UserFactory


@pytest.mark.parametrize(
    ("up", "down", "expected"),
    [
        (0, 0, 0.0),
        (1, 0, 0.3784),  # one vote proves little
        (10, 0, 0.8589),
        (5, 5, 0.3122),
        (0, 3, 0.0),
    ],
)
def test_wilson_lower_bound_at_80_percent(up, down, expected):
    assert wilson_lower_bound(up, down) == pytest.approx(expected, abs=1e-4)


def test_wilson_prefers_many_good_ratings_to_one():
    assert wilson_lower_bound(10, 0) > wilson_lower_bound(1, 0)
    assert wilson_lower_bound(8, 2) > wilson_lower_bound(2, 0)


def rate(comment, ups=0, downs=0):
    for _ in range(ups):
        services.rate_comment(user=UserFactory(), comment=comment, value=1)
    for _ in range(downs):
        services.rate_comment(user=UserFactory(), comment=comment, value=-1)


def order_of(case, order, viewer_id=None):
    roots = build_threads(case_comments(case), order=order, viewer_id=viewer_id)
    return [node.comment.body for node in flatten(roots)]


def test_best_order_ranks_by_wilson_and_children_follow_the_same_order(case):
    weak = CommentFactory(case=case, body="weak")
    strong = CommentFactory(case=case, body="strong")
    reply_a = CommentFactory(case=case, parent=strong, depth=1, body="reply a")
    reply_b = CommentFactory(case=case, parent=strong, depth=1, body="reply b")
    rate(strong, ups=5)
    rate(weak, ups=1, downs=1)
    rate(reply_b, ups=2)
    rate(reply_a, downs=1)
    assert order_of(case, "best") == ["strong", "reply b", "reply a", "weak"]
    assert order_of(case, "old") == ["weak", "strong", "reply a", "reply b"]
    assert order_of(case, "new") == ["strong", "reply b", "reply a", "weak"]
    assert weak.pk < strong.pk  # "new" puts the later comment first


def test_deleted_comment_keeps_its_replies_as_a_placeholder(case):
    parent = CommentFactory(case=case, body="parent")
    CommentFactory(case=case, parent=parent, depth=1, body="child")
    lonely = CommentFactory(case=case, body="lonely")
    Comment.objects.filter(pk__in=[parent.pk, lonely.pk]).update(deleted_at=parent.created_at)
    nodes = flatten(build_threads(case_comments(case), order="old", viewer_id=None))
    assert [(n.comment.body, n.shown_as) for n in nodes] == [
        ("parent", "deleted"),
        ("child", "comment"),
    ]


def test_hidden_comment_is_shown_to_its_author_only(case):
    hidden = CommentFactory(case=case, hidden_at=case.published_at, hidden_reason="Flags.")
    for_author = build_threads(case_comments(case), order="old", viewer_id=hidden.author_id)
    for_others = build_threads(case_comments(case), order="old", viewer_id=None)
    assert [n.shown_as for n in flatten(for_author)] == ["hidden_own"]
    assert flatten(for_others) == []


def test_best_by_side_uses_the_authors_vote(case, vote):
    yes_author, no_author, other_no = UserFactory(), UserFactory(), UserFactory()
    vote(yes_author, case, "yes")
    vote(no_author, case, "no")
    vote(other_no, case, "no")
    pro = CommentFactory(case=case, author=yes_author, body="pro")
    con = CommentFactory(case=case, author=no_author, body="con")
    weaker_con = CommentFactory(case=case, author=other_no, body="weaker con")
    rate(pro, ups=1)
    rate(con, ups=3)
    rate(weaker_con, ups=1, downs=1)
    best = best_by_side(case_comments(case))
    assert {side: c.body for side, c in best.items()} == {"yes": "pro", "no": "con"}


def test_unrated_comments_are_nobodys_best(case, vote, user):
    vote(user, case, "yes")
    CommentFactory(case=case, author=user)
    assert best_by_side(case_comments(case)) == {}
