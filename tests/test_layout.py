"""The reader's site (issue 11): the case page leads with the verdict and its buttons, the list
rows lead with their counts and carry their marks, the viewer's own answer is marked only for
them (never in the shared cached rows), closed cases are read-only throughout, and the site's
own favicon and colours are everywhere."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from cases import services
from tests.factories import CaseFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG_SUMMARY = (
    "A well-regarded developer paid a programmer abroad about a fifth of his salary to do all "
    "of his work, while he spent his days online, until a security check of the company "
    "network found the connections and the invoices on his desk."
)


def rows_of(html: str) -> dict[str, str]:
    """Each list row's HTML by the title it links to."""
    rows = re.findall(r'<li class="case-row.*?</li>', html, re.S)
    return {re.search(r'<h2 class="h5 mb-1"[^>]*><a href="[^"]+">([^<]+)</a>', row)[1]: row
            for row in rows}  # fmt: skip


def text_of(html: str) -> str:
    """The visible text, entities resolved and every run of spaces one plain space."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).replace("\xa0", " ")


# --- the case page: the verdict and its buttons before the story ---------------------------


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_the_vote_form_comes_before_the_story(client, case, user, who):
    if who == "member":
        client.force_login(user)
    html = client.get(case.get_absolute_url()).text
    vote_box = html.index('id="vote-box"')
    story = html.index('id="story-heading"')
    assert html.index('id="verdict"') < story
    assert vote_box < html.index('<form method="', vote_box) < story
    # The buttons are a real form: a post with htmx on top for members, a login link for visitors.
    buttons = html[vote_box:story]
    assert buttons.count('type="submit"') >= 3
    if who == "member":
        assert f'method="post" action="{reverse("cases:vote", args=[case.slug])}"' in buttons
        assert "data-hx-post=" in buttons
    # The facts and the figures follow the story.
    assert story < html.index('id="facts-heading"') < html.index('id="sources-heading"')


def test_the_compact_verdict_shows_the_answers_the_count_and_the_viewers_vote(
    user_client, case, user, other_user, vote
):
    vote(other_user, case, "yes")
    vote(user, case, "no")
    html = user_client.get(case.get_absolute_url()).text
    box = html[html.index('id="vote-box"') : html.index('id="story-heading"')]
    assert "2 votes in all" in box
    for label in ["Made sense", "Did not make sense", "It depends"]:
        assert label in box
    assert re.search(r'value="no"\s+class="btn btn-primary"\s+aria-pressed="true"', box)
    assert "your vote" in box


# --- the list: counts up front, a summary, marks --------------------------------------------


def test_list_rows_show_counts_summary_and_marks(client, curator, vote):
    voters = UserFactory.create_batch(3)
    busy = CaseFactory(title="Busy case", summary=LONG_SUMMARY)
    for voter in voters:
        vote(voter, busy, "yes")
    CommentFactory.create_batch(2, case=busy)
    featured = CaseFactory(title="Featured case")
    services.feature_case(moderator=curator, case=featured)
    closed = CaseFactory(title="Closed case")
    services.close_case(moderator=curator, case=closed, reason="Enough said.")
    quiet = CaseFactory(title="Quiet case", summary="Short and plain.")

    rows = rows_of(client.get("/").text)

    busy_row = text_of(rows["Busy case"])
    assert busy_row.index("3 votes") < busy_row.index("Busy case")  # the counts up front
    assert "2 comments" in busy_row and "Made sense 100 %" in busy_row
    # The summary, cut at a word.
    assert "A well-regarded developer paid a programmer abroad" in busy_row
    assert "on his desk." not in busy_row
    assert re.search(r"\w …", busy_row)
    assert "Short and plain." in text_of(rows["Quiet case"])
    assert "No votes yet" in text_of(rows["Quiet case"])
    assert "0 comments" in text_of(rows["Quiet case"])
    # Marks for featured and closed cases, and only for them.
    assert "case-mark-featured" in rows["Featured case"]
    assert "case-mark-closed" in rows["Closed case"]
    for title in ["Busy case", "Quiet case"]:
        assert "case-mark-" not in rows[title]
    assert "case-mark-closed" not in rows["Featured case"]
    assert quiet.is_featured is False


def test_the_search_headline_stands_in_for_the_summary(client, db):
    CaseFactory(title="Agency case", summary="An agency hires for the firm.")
    row = rows_of(client.get("/?q=agency").text)["Agency case"]
    assert 'class="mb-1 small search-headline"' in row
    assert "case-row-summary" not in row


def test_the_filters_fold_away_unless_one_is_chosen(client, db):
    CaseFactory(title="Some case")
    plain = client.get("/").text
    assert re.search(r'<details class="list-more">', plain)
    assert 'name="category"' in plain and 'name="sort"' in plain  # still sent with a search
    assert re.search(r'<details class="list-more" open>', client.get("/?sort=top").text)


# --- the viewer's own answer: only theirs, never in the cached rows ----------------------------


def test_the_viewers_vote_is_marked_only_for_them(client, user, other_user, curator, vote):
    case = CaseFactory(title="Voted case")
    other = CaseFactory(title="Other case")
    pinned = CaseFactory(title="Pinned case")
    services.feature_case(moderator=curator, case=pinned)

    anonymous = client.get("/").text  # renders and caches the rows first
    assert "your-vote-mark" not in anonymous
    vote(user, case, "no")
    vote(user, pinned, "yes")

    alice = Client()
    alice.force_login(user)
    html = alice.get("/").text
    rows = rows_of(html)
    assert "Your vote: did not" in text_of(rows["Voted case"])
    assert "your-vote-mark" not in rows["Other case"]
    assert "Your vote: made sense" in text_of(rows["Pinned case"])
    featured = html[html.index('id="featured-heading"') : html.index('class="list-unstyled')]
    assert "Your vote: made sense" in text_of(featured)  # the featured card too

    # Bob and a visitor get the same cached rows, without Alice's marks.
    bob = Client()
    bob.force_login(other_user)
    for page in [bob.get("/").text, Client().get("/").text]:
        assert "your-vote-mark" not in page and "Your vote:" not in page
        assert "Voted case" in page
    assert other.is_closed is False


# --- closed cases: read-only throughout ---------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_closed_case_has_no_prompts_and_one_full_stop(client, case, user, curator, who):
    services.close_case(moderator=curator, case=case, reason="The verdict is final.")
    if who == "member":
        client.force_login(user)
    html = client.get(case.get_absolute_url()).text
    text = text_of(html)

    assert "The verdict is final. Everything stays readable" in text
    assert "final.." not in text and "final. ." not in text
    assert "Final verdict" in text
    assert "Nobody voted before the discussion closed." in text
    assert "Nobody commented before the discussion closed." in text
    for prompt in ["Be the first", "What do you think?", "Did it make sense?", "Log in to comment",
                   "You will be asked to log in first.", "Post comment"]:  # fmt: skip
        assert prompt not in text, prompt
    assert reverse("cases:vote", args=[case.slug]) not in html
    assert reverse("cases:comment_create", args=[case.slug]) not in html


def test_a_closed_case_shows_its_final_verdict_and_the_members_vote(
    user_client, case, user, curator, vote
):
    vote(user, case, "yes")
    services.close_case(moderator=curator, case=case, reason="Settled")
    text = text_of(user_client.get(case.get_absolute_url()).text)
    assert "Settled. Everything stays readable" in text
    assert "Final verdict" in text and "1 vote in all" in text and "100 %" in text
    assert "Your vote: made sense" in text
    assert "Did it make sense?" not in text


def test_the_closed_list_row_and_featured_card_are_marked(client, curator):
    case = CaseFactory(title="Closed and pinned")
    services.feature_case(moderator=curator, case=case)
    services.close_case(moderator=curator, case=case, reason="Done.")
    html = client.get("/").text
    featured = html[html.index('id="featured-heading"') : html.index('class="list-unstyled')]
    assert "case-mark-closed" in featured
    assert "case-mark-closed" in rows_of(html)["Closed and pinned"]


def test_the_suspension_notice_has_one_full_stop(client, db):
    member = UserFactory(
        username="spammer", suspended_permanently=True, suspension_reason="Posting spam."
    )
    client.force_login(member)
    text = text_of(client.get("/").text)
    assert "Your account is suspended permanently: Posting spam. You can read" in text
    assert ".." not in text and ".)." not in text
    member.suspension_reason = "Posting spam"
    member.save()
    assert "suspended permanently: Posting spam You can read" in text_of(client.get("/").text)


# --- what the list costs, at two sizes ------------------------------------------------------------


@pytest.fixture(params=[3, 30], ids=["3-cases", "30-cases"])
def many_cases(request, curator):
    voter = UserFactory(username="voter")
    cases = CaseFactory.create_batch(request.param)
    for case in cases:
        services.cast_vote(user=voter, case=case, choice="depends")
        CommentFactory(case=case)
    services.feature_case(moderator=curator, case=cases[0])
    return voter


# count, the page of cases, the categories for the filter, the featured cases
VISITOR = 4
# + the user (the session comes from the cache), their votes on the shown cases and their
# unread notifications (the header's count)
MEMBER = VISITOR + 3


def test_the_list_costs_the_same_at_any_size(client, many_cases, django_assert_num_queries):
    with django_assert_num_queries(VISITOR):
        first = client.get("/")
    with django_assert_num_queries(VISITOR):  # the rows from the cache
        assert client.get("/").content == first.content
    client.force_login(many_cases)
    with django_assert_num_queries(MEMBER):
        page = client.get("/").text
    assert page.count("your-vote-mark") == page.count('<li class="case-row') + 1  # + card
    client.force_login(UserFactory())  # a member without votes: the same cost
    with django_assert_num_queries(MEMBER):
        assert "your-vote-mark" not in client.get("/").text


# --- one look everywhere: favicon, colours ------------------------------------------------------


def test_the_favicon_is_on_every_kind_of_page(client, staff_client, db):
    icon = 'rel="icon" href="/static/favicon.svg"'
    assert icon in client.get("/").text
    assert icon in client.get("/no-such-page/").text
    assert icon in staff_client.get(reverse("admin:index")).text
    assert icon in render_to_string("500.html")
    assert icon in render_to_string("503.html", {"retry_after": 5})


def test_the_verdict_colours_come_from_one_set_of_variables():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    for choice in ["yes", "no", "depends"]:
        assert re.search(rf"\.verdict-fill-{choice} \{{ fill: var\(--verdict-{choice}\); \}}", css)
        assert f"var(--verdict-{choice}-bg)" in css
        assert css.count(f"--verdict-{choice}:") == 2  # light, and dark
    assert "@media (prefers-color-scheme: dark)" in css
    assert "stroke: var(--verdict-yes)" in css  # the chart's line
