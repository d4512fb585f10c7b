"""Comments that bridge: the score (cases/bridging.py), its recomputation with the opinion
groups (cases/services/bridging.py), the `bridging` order of the thread, its default once
groups exist, and the "convinced across camps" highlight."""

import uuid

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.bridging import NOT_RATED, Bridging, bridging_score, bridging_scores
from cases.markdown import render_markdown
from cases.models import Case, Comment, OpinionGroup, OpinionGroupRun, ReaderGroup, Vote
from cases.selectors.groups import MIN_GROUP_SIZE
from cases.services.bridging import recompute_bridging_scores
from cases.services.opinion_groups import compute_opinion_groups
from cases.threads import THREADS_PER_PAGE, wilson_lower_bound
from tests.conftest import HTMX
from tests.factories import CaseFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

UP, DOWN = 1, -1


def url(name, **kwargs):
    return reverse(f"cases:{name}", kwargs=kwargs)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the score, a pure function ---------------------------------------------------------


def test_a_comment_both_groups_found_convincing_outranks_one_liked_by_one_group_only():
    # Three "convincing" from each of two groups, against forty from one group (and two
    # ratings from the other, too few to count).
    both = bridging_score([(3, 3), (3, 3)])
    one = bridging_score([(40, 40), (2, 2)])

    assert (both.groups, one.groups) == (2, 1)
    assert both.score > one.score
    # On its own, one group's 40 of 40 is far more certain than 3 of 3 ...
    assert wilson_lower_bound(40, 0) > wilson_lower_bound(3, 0)
    # ... but a comment that convinced one camp only ranks below every bridging one, even a
    # bridging one that one group found unconvincing.
    assert one.score < bridging_score([(3, 3), (0, 5)]).score == 0.0


def test_the_score_is_the_least_convinced_groups_wilson_bound():
    score = bridging_score([(9, 10), (3, 5), (7, 8)])

    assert score == Bridging(score=wilson_lower_bound(3, 2), groups=3)
    assert bridging_score([(9, 10)]) == Bridging(score=wilson_lower_bound(9, 1) - 1, groups=1)


def test_fewer_than_three_ratings_from_a_group_are_ignored():
    assert bridging_score([(2, 2), (2, 2), (1, 1)]) == NOT_RATED
    # The group with two ratings does not pull the score down to its small sample's bound.
    assert bridging_score([(5, 5), (5, 5), (0, 2)]).score == wilson_lower_bound(5, 0)
    # (comment, group, convincing, total)
    rows = [(1, 10, 2, 2), (1, 11, 2, 2), (2, 10, 3, 3), (2, 11, 0, 2), (3, 10, 3, 4)]
    scores = bridging_scores([*rows, (3, 11, 4, 4)])

    assert set(scores) == {2, 3}  # comment 1: no group rated it three times
    assert scores[2].groups == 1 and scores[3].groups == 2
    assert scores[3].score > scores[2].score


# --- groups and ratings in the database -----------------------------------------------------


def make_groups(*sizes: int) -> list[list]:
    """The stored groups of a run, as `store_opinion_groups` leaves them: one list of members
    per group."""
    run = OpinionGroupRun.objects.create(
        k=len(sizes), readers=sum(sizes), cases=0, votes=0, silhouette=0.5, seconds=0.1
    )
    camps = []
    for number, size in enumerate(sizes, start=1):
        group = OpinionGroup.objects.create(
            run=run, number=number, size=size, centre_x=number, centre_y=0.0
        )
        members = [UserFactory(username=f"g{number}-{n}") for n in range(size)]
        ReaderGroup.objects.bulk_create(ReaderGroup(user=member, group=group) for member in members)
        camps.append(members)
    return camps


@pytest.fixture
def two_camps(db):
    return make_groups(MIN_GROUP_SIZE, MIN_GROUP_SIZE)


def rate(raters, comment, value=UP):
    for rater in raters:
        services.rate_comment(user=rater, comment=comment, value=value)


# Three camps of twelve readers over twelve cases, as in tests/test_opinion_groups_storage.py
# (every fourth reader strays once): `compute_opinion_groups` finds one group per camp.
STANCES = {"a": "YYYYYYNNNNNY", "b": "NNNNNNYYYYYY", "c": "DDDDYYDDNNNY"}
CHOICES = {"Y": "yes", "N": "no", "D": "depends"}


@pytest.fixture
def voting_camps(db):
    cases = [CaseFactory(title=f"Camp case {n}") for n in range(12)]
    camps, votes = {}, []
    for camp, stances in STANCES.items():
        camps[camp] = [UserFactory(username=f"{camp}-{i}") for i in range(12)]
        for i, reader in enumerate(camps[camp]):
            for n, case in enumerate(cases):
                choice = CHOICES[stances[n]]
                if i % 4 == 0 and n == i % 11:
                    choice = "depends" if choice != "depends" else "yes"
                votes.append(Vote(user=reader, case=case, choice=choice, first_choice=choice))
    Vote.objects.bulk_create(votes)
    camps["cases"] = cases
    return camps


def stored(comment) -> tuple:
    comment.refresh_from_db()
    return comment.bridging, comment.bridging_groups


def test_a_run_of_the_groups_stores_every_comments_bridging_score(voting_camps):
    a, b, c = voting_camps["a"], voting_camps["b"], voting_camps["c"]
    case = voting_camps["cases"][0]
    bridge = CommentFactory(case=case, body="Both camps can live with this.")
    partisan = CommentFactory(case=case, body="Camp a's view.")
    thin = CommentFactory(case=case, body="Two ratings per camp.")
    rate(a[:3], bridge)
    rate(b[:2], bridge)
    rate(b[2:4], bridge, DOWN)
    rate(a[:8], partisan)
    rate(b[:1], partisan, DOWN)
    rate(a[:2], thin)
    rate(c[:2], thin)
    version = Case.objects.get(pk=case.pk).page_version

    computed = compute_opinion_groups()

    assert computed.run.k == 3
    assert stored(bridge) == (pytest.approx(wilson_lower_bound(2, 2)), 2)
    assert stored(partisan) == (pytest.approx(wilson_lower_bound(8, 0) - 1), 1)
    assert stored(thin) == (None, 0)
    assert (computed.bridging.scored, computed.bridging.changed) == (2, 2)
    # The case's cached pages are renewed: they show the new order.
    assert Case.objects.get(pk=case.pk).page_version == version + 1

    # The next run follows the ratings: camp b's "not convincing" are taken back, camp c
    # rates the thin one a third time; unchanged numbers are not written again.
    rate(b[2:4], bridge, None)
    rate(c[2:3], thin)
    computed = compute_opinion_groups()

    assert stored(bridge) == (pytest.approx(wilson_lower_bound(3, 0) - 1), 1)
    assert stored(thin) == (pytest.approx(wilson_lower_bound(3, 0) - 1), 1)
    assert stored(partisan) == (pytest.approx(wilson_lower_bound(8, 0) - 1), 1)
    assert (computed.bridging.scored, computed.bridging.changed) == (3, 2)


def test_only_shown_groups_count_and_scores_of_vanished_groups_are_cleared(db):
    big, small = make_groups(MIN_GROUP_SIZE, 3)
    comment = CommentFactory(body="Rated by a big group and a tiny one.")
    rate(big[:3], comment)
    rate(small, comment)

    assert recompute_bridging_scores().scored == 1
    # The group of three is too small to show, so it is no camp to bridge.
    assert stored(comment) == (pytest.approx(wilson_lower_bound(3, 0) - 1), 1)

    OpinionGroup.objects.all().delete()  # a run that found no groups
    assert recompute_bridging_scores().changed == 1
    assert stored(comment) == (None, 0)


# --- the order and its default ----------------------------------------------------------


def scored_comment(case, body, *, bridging=None, groups=0, upvotes=0):
    comment = CommentFactory(case=case, body=body)
    wilson = wilson_lower_bound(upvotes, 0)
    Comment.objects.filter(pk=comment.pk).update(
        bridging=bridging, bridging_groups=groups, upvotes=upvotes, wilson=wilson
    )
    return comment


@pytest.fixture
def discussion(case):
    """Three comments whose stored scores put them in one order for "best" and another for
    "bridging"."""
    scored_comment(case, "Convincing to one camp.", bridging=-0.2, groups=1, upvotes=9)
    scored_comment(case, "Unrated by any camp, liked by many.", upvotes=30)
    scored_comment(case, "A bridge between the camps.", bridging=0.4, groups=2, upvotes=6)
    return case


BODIES = ("A bridge between the camps.", "Convincing to one camp.", "Unrated by any camp")


def order_on(page: str) -> list[str]:
    return sorted(BODIES, key=page.index)


def test_the_bridging_order_ranks_by_the_stored_scores(client, discussion):
    bridging = client.get(discussion.get_absolute_url(), {"order": "bridging"}).text
    best = client.get(discussion.get_absolute_url(), {"order": "best"}).text

    assert order_on(bridging[bridging.index('id="comment-thread"') :]) == list(BODIES)
    assert order_on(best[best.index('id="comment-thread"') :]) == [
        "Unrated by any camp",
        "Convincing to one camp.",
        "A bridge between the camps.",
    ]
    assert '<strong aria-current="true">convincing across camps</strong>' in bridging


CURRENT = '<strong aria-current="true">{}</strong>'


def test_best_stays_the_default_without_two_shown_groups(client, discussion):
    make_groups(MIN_GROUP_SIZE, 4)  # one group too small to show

    page = client.get(discussion.get_absolute_url()).text

    assert CURRENT.format("most convincing") in page
    assert "convincing across camps" not in page  # no camps to bridge: not offered
    thread = page[page.index('id="comment-thread"') :]
    assert thread.index("Unrated by any camp") < thread.index("A bridge between the camps.")


def test_bridging_is_the_default_once_groups_exist(client, discussion, two_camps):
    page = client.get(discussion.get_absolute_url()).text

    assert CURRENT.format("convincing across camps") in page
    assert 'href="?order=best#comments">most convincing</a>' in page
    thread = page[page.index('id="comment-thread"') :]
    assert order_on(thread) == list(BODIES)


def test_the_default_follows_a_new_run_at_once(
    client, discussion, voting_camps, django_capture_on_commit_callbacks
):
    assert CURRENT.format("most convincing") in client.get(discussion.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        compute_opinion_groups()

    page = client.get(discussion.get_absolute_url()).text
    assert CURRENT.format("convincing across camps") in page


def test_the_default_costs_no_query_once_known(client, discussion, two_camps):
    client.get(discussion.get_absolute_url())
    # The visitor's page from the cache: the case's row, nothing more (no look at the groups).
    with CaptureQueriesContext(connection) as queries:
        client.get(discussion.get_absolute_url())
    assert len(queries) == 1


def test_an_unknown_order_is_a_400_that_names_the_orders(client, discussion):
    response = client.get(discussion.get_absolute_url(), {"order": "camps"})
    assert response.status_code == 400
    assert "use bridging, best, new or old" in response.text


# --- the highlight ----------------------------------------------------------------------


def test_the_comment_that_convinced_across_camps_is_highlighted(client, discussion, two_camps):
    page = client.get(discussion.get_absolute_url()).text

    card = page[page.index('id="across-camps"') : page.index('id="comment-thread"')]
    assert "Convinced across camps" in card
    assert "A bridge between the camps." in card
    assert "Readers of 2 opinion groups rated it, and some in each found it convincing." in card
    assert "Convincing to one camp." not in card


def test_no_highlight_without_a_comment_rated_by_two_groups(client, case, two_camps):
    scored_comment(case, "Convincing to one camp.", bridging=-0.2, groups=1, upvotes=9)
    scored_comment(case, "Both camps rejected it.", bridging=0.0, groups=2)

    page = client.get(case.get_absolute_url()).text

    assert "Convinced across camps" not in page
    assert "Both camps rejected it." in page  # in the thread, not highlighted


# --- what it costs ----------------------------------------------------------------------


@pytest.fixture(params=[9, 3_000], ids=["9-comments", "3000-comments"])
def bridged_case(request, two_camps):
    """A case with `param` comments in threads of three, the roots with stored bridging
    scores of every kind (two groups, one group, none)."""
    case = CaseFactory()
    authors = UserFactory.create_batch(3)
    body_html = render_markdown("Handing the phones to a call center saved money.")
    count, n = request.param, 0
    while n < count:
        r = n // 3  # the root's number; kind: rated by no group, one, two
        kind = r % 3
        root = Comment.objects.create(
            case=case, author=authors[kind], body="A root.", body_html=body_html,
            bridging=(None, (r % 97) / 100 - 1, (r % 89) / 100)[kind], bridging_groups=kind,
            upvotes=r % 5, wilson=wilson_lower_bound(r % 5, 0),
        )  # fmt: skip
        replies = [
            Comment(case=case, author=authors[depth], parent=root, root=root, depth=depth,
                    body="A reply.", body_html=body_html)
            for depth in (1, 2)
        ][: count - n - 1]  # fmt: skip
        Comment.objects.bulk_create(replies)
        n += 1 + len(replies)
    Case.objects.filter(pk=case.pk).update(comment_count=count, page_version=1)
    return Case.objects.get(pk=case.pk)


# A visitor, nothing cached: the case; whether groups exist (then cached); the threads
# (count, roots, replies); perspectives, verdict by group, related cases, sources; best across
# camps, best per side (2), minds changed.
ANONYMOUS = 13
# A member, nothing cached: + session, user, their vote, whether a comment of theirs is
# hidden, their ratings and flags on the page, their unread notifications (the header).
SIGNED_IN = ANONYMOUS + 7


def test_the_case_page_in_bridging_order_costs_the_same_at_any_size(
    client, bridged_case, django_assert_num_queries
):
    with django_assert_num_queries(ANONYMOUS):
        page = client.get(bridged_case.get_absolute_url()).text
    assert CURRENT.format("convincing across camps") in page
    assert "Convinced across camps" in page
    assert page.count('<article id="comment-') <= THREADS_PER_PAGE * 3
    with django_assert_num_queries(1):
        client.get(bridged_case.get_absolute_url())
    # Another page of threads, the order asked for: the case, then the threads (count, roots,
    # replies); the rest of the page is cached alike for every order and page.
    with django_assert_num_queries(4):
        client.get(bridged_case.get_absolute_url(), {"order": "bridging", "page": "2"})
    client.force_login(UserFactory())
    cache.clear()
    with django_assert_num_queries(SIGNED_IN):
        client.get(bridged_case.get_absolute_url())


# --- comment actions in that order --------------------------------------------------------


@pytest.fixture
def crowded(case, two_camps):
    """More threads than one page holds, the newest one bridging: first in the bridging
    order, on the second page in the "best" one (no ratings: oldest first)."""
    for n in range(THREADS_PER_PAGE + 3):
        CommentFactory(case=case, body=f"Root {n}.")
    return scored_comment(case, "The bridge.", bridging=0.5, groups=2)


def test_a_permalink_lands_on_the_page_of_the_default_order(client, case, crowded):
    response = client.get(url("comment_permalink", comment_id=crowded.pk))
    assert response.url == f"{case.get_absolute_url()}#comment-{crowded.pk}"
    assert "The bridge." in client.get(response.url).text


def test_a_plain_comment_lands_on_its_page_in_bridging_order(user_client, case, crowded):
    response = user_client.post(
        url("comment_create", slug=case.slug), {"body": "Not rated yet.", "token": uuid.uuid4()}
    )

    comment = Comment.objects.get(body="Not rated yet.")
    # Unscored: after every root of the page before it.
    assert response.url == f"{case.get_absolute_url()}?page=2#comment-{comment.pk}"
    assert messages_of(response) == ["Your comment is posted."]
    assert f'id="comment-{comment.pk}"' in user_client.get(response.url).text


def test_htmx_comment_and_rating_work_in_bridging_order(user_client, case, crowded):
    posted = user_client.post(
        url("comment_create", slug=case.slug),
        {"body": "Swapped in by htmx.", "token": uuid.uuid4()},
        headers=HTMX,
    )
    assert posted.text.count('<article id="comment-') == 1
    assert "Swapped in by htmx." in posted.text and "Your comment is posted." in posted.text

    rated = user_client.post(
        url("comment_rate", comment_id=crowded.pk), {"value": "up"}, headers=HTMX
    )
    assert rated.text.lstrip().startswith(f'<article id="comment-{crowded.pk}"')
    assert stored(crowded) == (0.5, 2)  # a rating moves "best", not the stored bridging score
    crowded.refresh_from_db()
    assert crowded.upvotes == 1


def test_a_plain_rating_redirects_back_to_the_comment(user_client, case, crowded):
    response = user_client.post(url("comment_rate", comment_id=crowded.pk), {"value": "up"})
    assert response.url == f"{case.get_absolute_url()}#comment-{crowded.pk}"
    assert messages_of(response) == ["Your rating is saved."]
    page = user_client.get(response.url).text
    thread = page[page.index('id="comment-thread"') :]  # on the first page, first
    assert thread.index("The bridge.") < thread.index("Root 0.")
