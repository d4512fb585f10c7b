"""What the case page and its htmx partials cost, pinned at two sizes: 9 comments and 5,000
on one case (queries), and the signed-in page's bytes against the anonymous one's."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.markdown import render_markdown
from cases.models import Case, Comment
from cases.services.hindsight import add_outcome_update, cast_hindsight_vote
from cases.services.links import link_cases
from cases.services.recount import rebuild_all_figures
from tests.conftest import HTMX
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


# About the length of a real comment here (the seed discussions' average is ~300 characters).
BODY = (
    "Handing the phones to a call center saved money in the first year, but the agents "
    "could not see the order history, so every second caller had to explain everything "
    "again. The **savings** went into refunds and lost customers within two years."
)


def threads_of(case, count, authors):
    """`count` comments in threads of three (root, reply, reply to the reply), bulk-made."""
    start = timezone.now() - timedelta(days=1)
    made = 0
    while made < count:
        root = Comment.objects.create(
            case=case, author=authors[made % len(authors)], body=BODY,
            body_html=render_markdown(BODY), created_at=start,
        )  # fmt: skip
        replies = [
            Comment(case=case, author=authors[(made + n) % len(authors)], parent=root, root=root,
                    depth=n, body=BODY, body_html=render_markdown(BODY))
            for n in (1, 2)
        ]  # fmt: skip
        Comment.objects.bulk_create(replies[: max(0, count - made - 1)])
        made += 1 + len(replies[: max(0, count - made - 1)])
    rebuild_all_figures()


@pytest.fixture(params=[9, 5_000], ids=["9-comments", "5000-comments"])
def busy_case(request, db, curator):
    """A case with every feature on: blind mode, an outcome update with hindsight answers,
    and a related case, itself blind (its bar shows only to whom may see it)."""
    case = CaseFactory(blind=True)
    case.sources.create(title="A post", language="de")
    authors = UserFactory.create_batch(4)
    threads_of(case, request.param, authors)
    voters = UserFactory.create_batch(12)
    for voter in voters:
        services.cast_vote(user=voter, case=case, choice="yes")
    add_outcome_update(
        moderator=curator, case=case, happened_on=date(2020, 1, 1), text="It ended.",
        source_title="A report", language="en",
    )  # fmt: skip
    for voter in voters[:3]:
        cast_hindsight_vote(user=voter, case=case, choice="no")
    related = CaseFactory(blind=True)
    services.cast_vote(user=voters[0], case=related, choice="yes")
    link_cases(moderator=curator, case=case, other=related, note="Disclosed.", language="en")
    return Case.objects.get(pk=case.pk)


# While the result is hidden (blind mode, a visitor who has not asked to see it): case,
# whether opinion groups exist (the comments' default order; then cached), related cases,
# outcome updates, threads (count, roots, replies), sources; nothing of the result is read.
ANONYMOUS_BLIND = 8
# Once it shows: + chart points, perspectives, verdict by group, best across camps, best per
# side (2), minds changed (the foresight and hindsight verdicts are stored on the case).
ANONYMOUS = ANONYMOUS_BLIND + 7
# + session, user, the viewer's vote, their hindsight and foresight answers (one query),
# whether a comment of theirs is hidden, their ratings and flags on the page, their votes on
# and reveals of the related blind cases (is their bar shown?), their unread notifications
SIGNED_IN = ANONYMOUS + 10


def without_token(html: str) -> str:
    """The page without its CSRF token, which is masked anew for every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_case_page_queries_do_not_grow_with_the_comments(
    client, busy_case, django_assert_num_queries
):
    with django_assert_num_queries(ANONYMOUS_BLIND):
        response = client.get(busy_case.get_absolute_url())
    assert "The result stays hidden" in response.text
    assert response.text.count('<article id="comment-') <= 20 * 3  # one page of threads
    # The next visitor gets the same page from the cache: the case's row, nothing more.
    with django_assert_num_queries(1):
        again = client.get(busy_case.get_absolute_url())
    assert without_token(again.text) == without_token(response.text)
    client.post(reverse("cases:reveal", args=[busy_case.slug]))
    cache.clear()
    # The result shown, nothing cached (the visitor's session, holding the reveal, too)
    with django_assert_num_queries(1 + ANONYMOUS):
        response = client.get(busy_case.get_absolute_url())
    assert "Knowing what happened" in response.text and 'id="related"' in response.text
    voter = UserFactory()
    services.cast_vote(user=voter, case=busy_case, choice="no")
    client.force_login(voter)
    cache.clear()
    with django_assert_num_queries(SIGNED_IN):  # nothing cached: everything is read
        client.get(busy_case.get_absolute_url())
    # A member: what everyone sees alike comes from the cache (the case's parts, the related
    # cases, the outcome updates, the page of threads, each comment's HTML), and so does the
    # session; user, case, their vote, their hindsight answer, whether a comment of theirs is
    # hidden here, their ratings and flags on the page, their votes on and reveals of the
    # related blind cases, their unread notifications.
    with django_assert_num_queries(10):
        client.get(busy_case.get_absolute_url())


def test_htmx_vote_renders_only_the_vote_box(client, busy_case, django_assert_num_queries):
    voter = UserFactory()
    client.force_login(voter)
    url = reverse("cases:vote", kwargs={"slug": busy_case.slug})
    # A first, blind vote shows the result: user, case (the session comes from the cache);
    # the vote (in a savepoint here): the voter's and the case's rows locked, the vote read,
    # the reveal asked for, the vote written, perspective tallies, case figures, event, chart
    # point, the linked cases' pages bumped; then the parts that hid the result, out of band:
    # related cases, outcome updates, the hindsight answer, chart points, perspectives,
    # verdict by group, sources, best across camps, best per side (2), minds changed.
    with django_assert_num_queries(25):
        response = client.post(url, {"choice": "no"}, headers=HTMX)
    assert response.text.lstrip().startswith('<section id="vote-box"')
    assert 'id="case-figures" class="case-layout-figures" data-hx-swap-oob="true"' in response.text
    assert "comment-thread" not in response.text
    assert "13 votes in all" in response.text
    # A change of vote: the same write without the reveal's read; the vote box alone (its
    # vote comes from the service), with the comments to credit for the change and whether
    # any comment was credited yet (the link under "N people changed their mind").
    with django_assert_num_queries(15):
        response = client.post(url, {"choice": "yes"}, headers=HTMX)
    assert response.text.lstrip().startswith('<section id="vote-box"')
    assert "data-hx-swap-oob" not in response.text
    assert "Your vote is changed" in response.text


def test_htmx_comment_renders_only_that_comment(client, busy_case, django_assert_num_queries):
    client.force_login(UserFactory())
    url = reverse("cases:comment_create", kwargs={"slug": busy_case.slug})
    # user, case, an earlier post of this form?; the comment (savepoint, lock, savepoint,
    # insert, release, count); the thread it sits in, the viewer's marks, the count for the
    # heading
    with django_assert_num_queries(14):
        response = client.post(url, {"body": "A new point.", "token": uuid.uuid4()}, headers=HTMX)
    assert response.text.count('<article id="comment-') == 1
    assert "A new point." in response.text
    assert len(response.content) < 6_000


def test_htmx_rating_renders_only_that_comment(client, busy_case, django_assert_num_queries):
    client.force_login(UserFactory())
    comment = Comment.objects.filter(case=busy_case, parent__isnull=True).first()
    url = reverse("cases:comment_rate", kwargs={"comment_id": comment.pk})
    # user, comment; the rating (savepoint, locks, read, write, counters, the page's version);
    # the comment's thread and the viewer's marks
    with django_assert_num_queries(12):
        response = client.post(url, {"value": "up"}, headers=HTMX)
    assert response.text.count('<article id="comment-') == 1


def test_signed_in_page_is_at_most_twice_the_anonymous_one(client, db):
    case = CaseFactory()
    authors = UserFactory.create_batch(4)
    threads_of(case, 50, authors)
    anonymous = len(client.get(case.get_absolute_url()).content)
    client.force_login(UserFactory())
    signed_in = len(client.get(case.get_absolute_url()).content)
    assert signed_in <= 2 * anonymous, (signed_in, anonymous)
    assert re.search(r'<form id="rate-form"', client.get(case.get_absolute_url()).text)
