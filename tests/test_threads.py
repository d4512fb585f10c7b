"""Comment threads: ranking, nesting, what each viewer sees, one page at a time."""

import pytest

from cases import services, threads
from cases.models import Comment
from cases.selectors.comments import best_by_side, most_minds_changed, thread_page
from cases.threads import THREADS_PER_PAGE, build_threads, flatten, wilson_lower_bound
from tests.factories import CommentFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Raters and voters by the dozen: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


def all_comments(case):
    """Every comment of the case, hidden and deleted included (threads decide what shows)."""
    return list(case.comments.select_related("author").with_author_vote())


def order_of(case, order, viewer_id=None):
    roots = build_threads(all_comments(case), order=order, viewer_id=viewer_id)
    return [node.comment.body for node in flatten(roots)]


def page_of(case, order="old", viewer_id=None, page_number=None):
    return thread_page(case, order=order, viewer_id=viewer_id, page_number=page_number)


def shown(nodes):
    return [(node.comment.body, node.shown_as) for node in nodes]


def roots_of(nodes):
    return [node.comment for node in nodes if node.comment.parent_id is None]


# --- arranging comments into threads ---------------------------------------------------


def test_best_order_ranks_by_wilson_and_children_follow_the_same_order(case):
    weak = CommentFactory(case=case, body="weak")
    strong = CommentFactory(case=case, body="strong")
    reply_a = CommentFactory(case=case, parent=strong, body="reply a")
    reply_b = CommentFactory(case=case, parent=strong, body="reply b")
    rate(strong, ups=5)
    rate(weak, ups=1, downs=1)
    rate(reply_b, ups=2)
    rate(reply_a, downs=1)

    assert Comment.objects.get(pk=strong.pk).wilson == pytest.approx(wilson_lower_bound(5, 0))
    assert order_of(case, "best") == ["strong", "reply b", "reply a", "weak"]
    assert order_of(case, "old") == ["weak", "strong", "reply a", "reply b"]
    assert order_of(case, "new") == ["strong", "reply b", "reply a", "weak"]
    assert weak.pk < strong.pk  # "new" puts the later comment first
    # a page of threads, ordered in SQL on the stored score, agrees with the arrangement
    for order in ("best", "old", "new"):
        assert [body for body, _ in shown(page_of(case, order).nodes)] == order_of(case, order)


def test_deleted_comment_keeps_its_replies_as_a_placeholder(case):
    parent = CommentFactory(case=case, body="parent")
    CommentFactory(case=case, parent=parent, body="child")
    lonely = CommentFactory(case=case, body="lonely")
    Comment.objects.filter(pk__in=[parent.pk, lonely.pk]).update(deleted_at=parent.created_at)
    expected = [("parent", "deleted"), ("child", "comment")]

    nodes = flatten(build_threads(all_comments(case), order="old", viewer_id=None))

    assert shown(nodes) == expected
    assert shown(page_of(case).nodes) == expected
    assert page_of(case).page.paginator.count == 1  # "lonely" is no thread at all


def test_a_placeholder_stays_for_a_reply_two_levels_down(case):
    root = CommentFactory(case=case, body="root")
    middle = CommentFactory(case=case, parent=root, body="middle")
    CommentFactory(case=case, parent=middle, body="deepest")
    Comment.objects.filter(pk__in=[root.pk, middle.pk]).update(deleted_at=root.created_at)

    assert shown(page_of(case).nodes) == [
        ("root", "deleted"),
        ("middle", "deleted"),
        ("deepest", "comment"),
    ]

    Comment.objects.filter(body="deepest").update(deleted_at=root.created_at)

    assert page_of(case).nodes == []
    assert page_of(case).page.paginator.count == 0


def test_hidden_comment_is_shown_to_its_author_only(case):
    hidden = CommentFactory(case=case, hidden_at=case.published_at, hidden_reason="Flags.")

    for_author = build_threads(all_comments(case), order="old", viewer_id=hidden.author_id)
    for_others = build_threads(all_comments(case), order="old", viewer_id=None)

    assert [n.shown_as for n in flatten(for_author)] == ["hidden_own"]
    assert flatten(for_others) == []
    assert [n.shown_as for n in page_of(case, viewer_id=hidden.author_id).nodes] == ["hidden_own"]
    assert page_of(case, viewer_id=None).nodes == []


# --- a page of threads -----------------------------------------------------------------


@pytest.fixture
def hundred_twenty_threads(case, user, monkeypatch):
    """120 top-level comments, oldest first; replies on the 1st (two levels), 50th, 51st and
    120th; pages of 50 threads (the site's page size is smaller; the rule is the same)."""
    monkeypatch.setattr(threads, "THREADS_PER_PAGE", 50)
    roots = CommentFactory.create_batch(120, case=case, author=user)
    replies = {}
    replies[0] = CommentFactory(case=case, parent=roots[0], body="first reply")
    replies["0b"] = CommentFactory(case=case, parent=replies[0], body="reply to the reply")
    for index in (49, 50, 119):
        replies[index] = CommentFactory(case=case, parent=roots[index], body=f"reply {index}")
    return roots, replies


def test_a_page_holds_fifty_threads_with_all_their_replies(case, hundred_twenty_threads):
    roots, replies = hundred_twenty_threads
    case.refresh_from_db()
    assert case.comment_count == 125
    assert threads.THREADS_PER_PAGE == 50

    first, second, third = (page_of(case, page_number=n) for n in (1, 2, 3))

    assert first.page.paginator.count == 120
    assert first.page.paginator.num_pages == 3
    assert roots_of(first.nodes) == roots[:50]
    assert roots_of(second.nodes) == roots[50:100]
    assert roots_of(third.nodes) == roots[100:]
    assert [n.comment for n in first.nodes[:4]] == [roots[0], replies[0], replies["0b"], roots[1]]
    assert [n.level for n in first.nodes[:4]] == [0, 1, 2, 0]
    assert [n.comment for n in first.nodes[-2:]] == [roots[49], replies[49]]
    assert len(first.nodes) == 53
    assert [n.comment for n in second.nodes[:2]] == [roots[50], replies[50]]
    assert len(second.nodes) == 51
    assert len(third.nodes) == 21
    assert {n.shown_as for page in (first, second, third) for n in page.nodes} == {"comment"}
    assert page_of(case, page_number=99).page.number == 3  # past the end: the last page


def test_a_page_leaves_out_a_hidden_thread_and_keeps_a_deleted_root_with_replies(
    case, user, curator, client, hundred_twenty_threads
):
    roots, replies = hundred_twenty_threads
    services.hide_comment(moderator=curator, comment=roots[10], reason="Spam.")
    services.delete_comment(actor=user, comment=roots[0])

    first = page_of(case, page_number=1)
    third = page_of(case, page_number=3)

    assert first.page.paginator.count == 119
    assert shown(first.nodes[:3]) == [
        (roots[0].body, "deleted"),
        ("first reply", "comment"),
        ("reply to the reply", "comment"),
    ]
    assert roots[10] not in roots_of(first.nodes)
    assert roots_of(first.nodes) == [roots[0], *roots[1:10], *roots[11:51]]
    assert roots_of(third.nodes) == roots[101:]
    assert len(roots_of(third.nodes)) == 19
    # its author still sees the hidden comment, in its place
    own = page_of(case, viewer_id=user.pk, page_number=1)
    assert own.page.paginator.count == 120
    assert shown(own.nodes)[12] == (roots[10].body, "hidden_own")

    html = client.get(case.get_absolute_url(), {"order": "old"}).content.decode()

    deleted = html.split(f'id="comment-{roots[0].pk}"', 1)[1].split("</article>", 1)[0]
    assert "[deleted]" in deleted
    assert "Comment number" not in deleted
    assert f'id="comment-{replies[0].pk}"' in html
    assert "reply to the reply" in html
    assert f'id="comment-{roots[10].pk}"' not in html
    assert f'id="comment-{roots[50].pk}"' in html  # the 50th thread still shown
    assert f'id="comment-{roots[51].pk}"' not in html  # page 2
    assert "Page 1 of 3" in html


def test_best_order_is_by_the_stored_score_across_pages(case, user):
    roots = CommentFactory.create_batch(55, case=case, author=user)
    rate(roots[-1], ups=3)
    rate(roots[-2], ups=1)

    first = page_of(case, "best", page_number=1)
    second = page_of(case, "best", page_number=2)

    per_page = THREADS_PER_PAGE
    assert roots_of(first.nodes) == [roots[-1], roots[-2], *roots[: per_page - 2]]
    # unrated: the oldest first
    assert roots_of(second.nodes) == roots[per_page - 2 : 2 * per_page - 2]


@pytest.mark.parametrize("comments", [60, 600])
def test_a_page_of_threads_costs_the_same_queries_however_many_comments(
    case, user, vote, django_assert_num_queries, comments
):
    vote(user, case, "yes")
    roots = CommentFactory.create_batch(comments // 2, case=case, author=user)
    for root in roots:
        CommentFactory(case=case, parent=root, author=user)

    with django_assert_num_queries(3):  # the count, the roots, their replies
        result = page_of(case, "best", viewer_id=user.pk)
        seen = {(n.comment.author.username, n.comment.author_vote) for n in result.nodes}

    assert seen == {("alice", "yes")}
    assert len(roots_of(result.nodes)) == min(THREADS_PER_PAGE, comments // 2)
    assert len(result.nodes) == 2 * min(THREADS_PER_PAGE, comments // 2)
    assert result.page.paginator.num_pages == -(-comments // 2 // THREADS_PER_PAGE)


# --- highlights above the thread -------------------------------------------------------


def test_best_by_side_uses_the_authors_vote(case, vote, django_assert_num_queries):
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

    with django_assert_num_queries(2):  # one per side, authors included
        best = best_by_side(case)
        names = {side: c.author.username for side, c in best.items()}

    assert {side: c.body for side, c in best.items()} == {"yes": "pro", "no": "con"}
    assert names == {"yes": yes_author.username, "no": no_author.username}

    vote(no_author, case, "yes")  # the author changes sides, and the comment with them

    assert {side: c.body for side, c in best_by_side(case).items()} == {
        "yes": "con",
        "no": "weaker con",
    }


def test_unrated_comments_are_nobodys_best(case, vote, user):
    vote(user, case, "yes")
    CommentFactory(case=case, author=user)
    assert best_by_side(case) == {}


def test_best_by_side_skips_unshown_comments_and_other_answers(case, vote, curator):
    hidden_author, deleted_author, depends_author, silent = (UserFactory() for _ in range(4))
    vote(hidden_author, case, "yes")
    vote(deleted_author, case, "no")
    vote(depends_author, case, "depends")
    hidden = CommentFactory(case=case, author=hidden_author, body="hidden")
    deleted = CommentFactory(case=case, author=deleted_author, body="deleted")
    depends = CommentFactory(case=case, author=depends_author, body="depends")
    no_vote = CommentFactory(case=case, author=silent, body="no vote")
    for comment in (hidden, deleted, depends, no_vote):
        rate(comment, ups=2)
    assert set(best_by_side(case)) == {"yes", "no"}

    services.hide_comment(moderator=curator, comment=hidden, reason="Unkind.")
    services.delete_comment(actor=deleted_author, comment=deleted)

    assert best_by_side(case) == {}


def credit(comment, times):
    """`times` voters each change their vote and credit the comment with it."""
    for _ in range(times):
        voter = UserFactory()
        services.cast_vote(user=voter, case=comment.case, choice="yes")
        services.cast_vote(user=voter, case=comment.case, choice="no")
        services.credit_mind_change(user=voter, case=comment.case, comment=comment)


def test_most_minds_changed_lists_the_top_three_shown_comments(case, curator):
    older, newer, most, fourth, hidden, never = (
        CommentFactory(case=case, body=body)
        for body in ("older", "newer", "most", "fourth", "hidden", "never")
    )
    credit(older, 1)
    credit(newer, 1)
    credit(most, 3)
    credit(fourth, 1)
    credit(hidden, 4)
    services.hide_comment(moderator=curator, comment=hidden, reason="Spam.")

    changers = most_minds_changed(case)

    assert [(c.body, c.minds_changed) for c in changers] == [
        ("most", 3),
        ("older", 1),
        ("newer", 1),
    ]
    assert never not in most_minds_changed(case, limit=10)
    assert [c.body for c in most_minds_changed(case, limit=10)] == [
        "most",
        "older",
        "newer",
        "fourth",
    ]
