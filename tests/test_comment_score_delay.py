"""Issue 12: a comment's score stays hidden for its first 24 hours (Comment.SCORE_HIDDEN_FOR),
as on Hacker News and Lobsters, so that early ratings do not steer later ones. Ratings count
from the start; the cached comment HTML shows the score once the 24 hours have passed."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Comment, CommentVote
from cases.selectors import comments as comment_reads
from cases.threads import ThreadNode
from tests.conftest import HTMX
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HIDDEN = "score hidden for now"
WHY = (
    "Scores show 24 hours after a comment is posted, so that early ratings do not steer later ones."
)


def rated(case, *, hours_old, up=2, down=0, body="Two firms now hold the data."):
    """A comment posted `hours_old` hours ago with `up` convincing and `down` not convincing
    ratings, made through the rating service."""
    comment = CommentFactory(case=case, body=body)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_old)
    )
    for value, count in ((1, up), (-1, down)):
        for _ in range(count):
            services.rate_comment(user=UserFactory(), comment=comment, value=value)
    return Comment.objects.get(pk=comment.pk)


def article(html, comment):
    return html.split(f'<article id="comment-{comment.pk}"', 1)[1].split("</article>", 1)[0]


def rate_url(comment):
    return reverse("cases:comment_rate", kwargs={"comment_id": comment.pk})


def test_a_fresh_comment_shows_no_score_and_says_why(client, case):
    comment = rated(case, hours_old=1, up=3, down=1)

    shown = article(client.get(case.get_absolute_url()).text, comment)

    assert "2 points" not in shown and "point" not in shown
    assert HIDDEN in shown
    assert f'title="{WHY}"' in shown.replace("&#x27;", "'")
    assert f'<span class="visually-hidden"> ({WHY})</span>' in shown


def test_a_comment_older_than_a_day_shows_its_score(client, case):
    comment = rated(case, hours_old=25, up=3, down=1)

    shown = article(client.get(case.get_absolute_url()).text, comment)

    assert '<span class="comment-score">2 points</span>' in shown
    assert HIDDEN not in shown


def test_the_author_and_curators_do_not_see_it_either(client, case, curator):
    comment = rated(case, hours_old=23, up=4)
    for viewer in (comment.author, curator):
        client.force_login(viewer)
        shown = article(client.get(case.get_absolute_url()).text, comment)
        assert HIDDEN in shown and "4 points" not in shown, viewer


def test_the_cached_comment_shows_its_score_once_the_day_has_passed(client, case, user):
    comment = rated(case, hours_old=23, up=2)
    client.force_login(user)
    node = comment_reads.comment_node(comment, viewer_id=user.pk)
    marks = comment_reads.viewer_marks(user, [comment.pk])

    def cached_at(now):
        return cache.get(comment_reads._comment_key(node, user, case, marks, now=now)) or ""

    before = article(client.get(case.get_absolute_url()).text, comment)
    assert HIDDEN in before
    assert HIDDEN in cached_at(timezone.now())  # the page's comment HTML, cached as shown

    later = timezone.now() + timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        after = article(client.get(case.get_absolute_url()).text, comment)

    assert HIDDEN not in after
    assert '<span class="comment-score">2 points</span>' in after
    assert '<span class="comment-score">2 points</span>' in cached_at(later)


def test_the_visibility_is_part_of_the_comment_key(case):
    comment = rated(case, hours_old=23, up=1)
    node = ThreadNode(comment=comment)
    marks = comment_reads.viewer_marks(None, [comment.pk])
    now = timezone.now()
    hidden_key = comment_reads._comment_key(node, None, case, marks, now=now)
    assert hidden_key == comment_reads._comment_key(node, None, case, marks, now=now)
    shown_key = comment_reads._comment_key(node, None, case, marks, now=now + timedelta(hours=1))
    assert shown_key != hidden_key


def test_a_rating_counts_while_the_score_is_hidden_plain(client, case, user):
    comment = rated(case, hours_old=0, up=0)
    client.force_login(user)

    response = client.post(rate_url(comment), {"value": "up"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your rating is saved."]
    assert CommentVote.objects.get(user=user, comment=comment).value == 1
    assert Comment.objects.get(pk=comment.pk).upvotes == 1
    shown = article(client.get(response.url).text, comment)
    assert HIDDEN in shown and "1 point" not in shown
    assert 'value="none" class="btn btn-sm btn-success" aria-pressed="true"' in shown


def test_a_rating_counts_while_the_score_is_hidden_htmx(client, case, user):
    comment = rated(case, hours_old=0, up=1)
    client.force_login(user)

    response = client.post(rate_url(comment), {"value": "down"}, headers=HTMX)

    assert response.text.lstrip().startswith(f'<article id="comment-{comment.pk}"')
    assert CommentVote.objects.get(user=user, comment=comment).value == -1
    assert Comment.objects.values_list("upvotes", "downvotes").get(pk=comment.pk) == (1, 1)
    assert HIDDEN in response.text and "point" not in article(response.text, comment)
    # The viewer's own rating stays marked.
    assert 'value="none" class="btn btn-sm btn-secondary" aria-pressed="true"' in response.text


def test_best_still_sorts_on_hidden_scores(client, case):
    rated(case, hours_old=2, up=0, body="Unrated argument.")
    rated(case, hours_old=1, up=3, body="Convincing argument.")
    page = client.get(case.get_absolute_url(), {"order": "best"}).text
    assert page.index("Convincing argument.") < page.index("Unrated argument.")
    assert "3 points" not in page


def test_seconds_until_a_score_shows(case):
    now = timezone.now()
    fresh = ThreadNode(comment=Comment(created_at=now - timedelta(hours=23)))
    old = ThreadNode(comment=Comment(created_at=now - timedelta(hours=30)))
    deleted = ThreadNode(comment=Comment(created_at=now), shown_as="deleted")
    assert comment_reads.seconds_until_a_score_shows([old, fresh, deleted], now=now) == 3601
    assert comment_reads.seconds_until_a_score_shows([old, deleted], now=now) is None
