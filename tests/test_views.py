import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cases import services
from cases.models import Comment, Vote
from cases.threads import THREADS_PER_PAGE
from tests.conftest import HTMX
from tests.factories import CaseFactory, CategoryFactory, CommentFactory, UserFactory

# case, sources, threads (count, roots, replies), best per side (2), minds changed,
# perspectives, the chart's points (these cases have 10+ votes), related cases (the case page
# with every feature on: tests/test_page_costs.py); whether opinion groups exist (the
# comments' default order), the verdict by group (stored by the groups' last run, not by
# votes: one read whenever the figures' cached block is rendered), best across camps
CASE_PAGE_QUERIES = 14


def vote_url(case):
    return reverse("cases:vote", kwargs={"slug": case.slug})


def comment_url(case):
    return reverse("cases:comment_create", kwargs={"slug": case.slug})


def titles_in(response):
    return re.findall(r'<h2 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', response.text)


# --- the list page ---------------------------------------------------------------------


def test_list_shows_published_cases_with_their_row_details(client, case, user, vote):
    CaseFactory(draft=True, title="Secret draft")
    vote(user, case, "yes")
    CommentFactory(case=case)
    response = client.get("/")
    assert response.status_code == 200
    assert case.title in response.text
    assert case.decision in response.text
    assert case.category.name in response.text
    assert "Made sense 100&nbsp;%" in response.text
    assert "1 vote" in response.text
    assert "1 comment" in response.text
    assert "Secret draft" not in response.text


def test_list_paginates_twenty_a_page(client, db):
    CaseFactory.create_batch(25)
    first, second = client.get("/"), client.get("/?page=2")
    assert len(titles_in(first)) == 20
    assert len(titles_in(second)) == 5
    assert "Page 2 of 2" in second.text


def test_list_filters_by_category(client, db):
    hiring = CategoryFactory(slug="recruiting", name="Recruiting")
    CaseFactory(title="Agency hires for us", category=hiring)
    CaseFactory(title="Call center")
    response = client.get("/?category=recruiting")
    assert titles_in(response) == ["Agency hires for us"]


def test_unknown_category_is_a_400_with_a_reason(client, db):
    response = client.get("/?category=nonsense")
    assert response.status_code == 400
    assert "There is no such category." in response.text


def test_unknown_sort_is_a_400_with_a_reason(client, db):
    response = client.get("/?sort=loudest")
    assert response.status_code == 400
    assert "is not a way to sort" in response.text
    assert "Clear the filters" in response.text


@pytest.mark.parametrize("query", ["CHINA", "china", "vpn", "Invoices"])
def test_search_matches_title_decision_summary_and_story_case_insensitively(client, db, query):
    CaseFactory(title="A developer hands his job to China", story="VPN logs showed invoices.")
    CaseFactory(title="Call center")
    response = client.get("/", {"q": query})
    assert titles_in(response) == ["A developer hands his job to China"]


def test_search_also_matches_decision_and_summary(client, db):
    CaseFactory(title="One", decision="Hiring → an agency", summary="Plain.")
    CaseFactory(title="Two", decision="Other", summary="An AGENCY is involved.")
    CaseFactory(title="Three", decision="Other", summary="Plain.")
    assert sorted(titles_in(client.get("/?q=agency"))) == ["One", "Two"]


def test_empty_results_say_so_and_offer_to_clear_filters(client, case):
    response = client.get("/?q=nothing-matches-this")
    assert response.status_code == 200
    assert "No case matches these filters." in response.text
    assert "Clear the filters" in response.text


def test_empty_site_says_no_cases_yet(client, db):
    assert "No cases are published yet." in client.get("/").text


def test_sorts_top_discussed_and_divided(client, db, vote):
    voters = UserFactory.create_batch(6)
    unanimous = CaseFactory(title="Unanimous")
    split = CaseFactory(title="Split")
    quiet = CaseFactory(title="Quiet")
    for voter in voters:
        vote(voter, unanimous, "yes")
    for voter, choice in zip(voters[:5], ["yes", "no", "depends", "yes", "no"], strict=True):
        vote(voter, split, choice)
    CommentFactory.create_batch(2, case=quiet)

    assert titles_in(client.get("/?sort=top")) == ["Unanimous", "Split", "Quiet"]
    assert titles_in(client.get("/?sort=discussed"))[0] == "Quiet"
    # Divided ranks cases with at least 5 votes, the most even split first.
    assert titles_in(client.get("/?sort=divided")) == ["Split", "Unanimous"]
    assert titles_in(client.get("/?sort=new")) == ["Quiet", "Split", "Unanimous"]


def test_split_sort_lists_cases_where_perspectives_disagree(client, db, vote):
    split, agreed = CaseFactory(title="Managers and staff disagree"), CaseFactory(title="All agree")
    for perspective, choice in [("manager", "yes"), ("employee", "no")]:
        for voter in UserFactory.create_batch(10, perspective=perspective):
            vote(voter, split, choice)
            vote(voter, agreed, "yes")
    assert titles_in(client.get("/?sort=split")) == ["Managers and staff disagree", "All agree"]


@pytest.mark.parametrize("size", [3, 30])
def test_list_page_runs_a_constant_number_of_queries(
    db, client, django_assert_num_queries, vote, size
):
    voters = UserFactory.create_batch(5)  # "divided" needs 5 votes a case
    for case in CaseFactory.create_batch(size):
        CommentFactory.create_batch(2, case=case)
        for voter in voters:
            vote(voter, case, "no")
    # count for the paginator, one page of cases (with tallies), categories for the filter,
    # and the cases `divided` leaves out (the sort note)
    with django_assert_num_queries(4):
        response = client.get("/?sort=divided&q=case")
    assert response.status_code == 200


# --- the case page ---------------------------------------------------------------------


def test_case_page_shows_story_facts_sources_verdict_and_comments(client, case, user, vote):
    case.sources.create(title="Outsourcing – wie ich meine Kunden", outlet="A blog", language="de")
    vote(user, case, "depends")
    CommentFactory(case=case, author=user, body="Depends on the *data*.")
    response = client.get(case.get_absolute_url())
    text = response.text
    assert response.status_code == 200
    for expected in [case.title, case.decision, case.summary, "<strong>fifteen</strong>",
                     "Who decided", "The owner", "2012", "Outsourcing – wie ich meine Kunden",
                     "A blog", "DE", "It depends", "100&nbsp;%", "Depends on the <em>data</em>.",
                     "vote-badge-depends"]:  # fmt: skip
        assert expected in text, expected


def test_comments_are_oldest_first_and_hidden_ones_are_gone(client, case):
    CommentFactory(case=case, body="First words")
    CommentFactory(case=case, body="Second words")
    CommentFactory(case=case, body="Rude words", hidden_at=case.published_at, hidden_reason="x")
    text = client.get(case.get_absolute_url()).text
    assert text.index("First words") < text.index("Second words")
    assert "Rude words" not in text
    assert "2 comments" in text


@pytest.mark.parametrize("who", ["anonymous", "user"])
def test_draft_is_404_for_non_staff(client, draft_case, user, who):
    if who == "user":
        client.force_login(user)
    assert client.get(draft_case.get_absolute_url()).status_code == 404


def test_unknown_slug_is_404(client, db):
    response = client.get("/cases/no-such-case/")
    assert response.status_code == 404
    assert "Not found" in response.text


def test_curator_previews_a_draft_without_a_vote_form(curator_client, draft_case):
    response = curator_client.get(draft_case.get_absolute_url())
    assert response.status_code == 200
    assert "Preview" in response.text
    assert vote_url(draft_case) not in response.text


def test_viewer_sees_their_own_vote_marked(user_client, case, user, vote):
    vote(user, case, "no")
    text = user_client.get(case.get_absolute_url()).text
    assert re.search(r'value="no"\s+class="btn btn-primary"\s+aria-pressed="true"', text)
    assert "your vote" in text


def make_threads(case, count):
    """`count` comments in three-level threads, each with a rating, some from voters."""
    authors = UserFactory.create_batch(4)
    for author, choice in zip(authors, ["yes", "no", "depends", "no"], strict=True):
        services.cast_vote(user=author, case=case, choice=choice)
    for voter in UserFactory.create_batch(8, perspective="manager"):  # enough for the chart
        services.cast_vote(user=voter, case=case, choice="yes")
    rater = UserFactory()
    made = []
    while len(made) < count:
        parent = None
        for depth in range(3):
            comment = CommentFactory(case=case, author=authors[len(made) % 4], parent=parent,
                                     depth=depth)  # fmt: skip
            services.rate_comment(user=rater, comment=comment, value=1 if depth else -1)
            made.append(comment)
            parent = comment
    return made


@pytest.mark.parametrize("size", [9, 501])
@pytest.mark.parametrize("logged_in", [False, True])
def test_case_page_runs_a_constant_number_of_queries(
    db, client, django_assert_num_queries, size, logged_in
):
    case = CaseFactory()
    case.sources.create(title="A post", language="de")
    comments = make_threads(case, size)
    Comment.objects.filter(pk=comments[1].pk).update(deleted_at=case.published_at)
    viewer = UserFactory()
    if logged_in:
        client.force_login(viewer)
        services.cast_vote(user=viewer, case=case, choice="yes")
        services.rate_comment(user=viewer, comment=comments[0], value=1)
    # case, sources, all comments (with authors and their votes), the shift, the conditions,
    # the verdict by perspective, the chart; logged in: user, the viewer's vote, ratings,
    # flags, their unread notifications (the session comes from the cache)
    with django_assert_num_queries(CASE_PAGE_QUERIES + (6 if logged_in else 0)):
        response = client.get(case.get_absolute_url())
    assert response.status_code == 200
    # One page of threads (THREADS_PER_PAGE roots with their replies), however many there are.
    assert (
        response.text.count('class="comment comment-level-2')
        >= min(size // 3, THREADS_PER_PAGE) - 1
    )


# --- voting ----------------------------------------------------------------------------


def test_anonymous_vote_goes_to_login_and_back_to_the_case(client, case):
    response = client.post(vote_url(case), {"choice": "yes"})
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/cases/{case.slug}/"
    assert not Vote.objects.exists()


def test_anonymous_htmx_vote_redirects_the_whole_page_to_login(client, case):
    response = client.post(vote_url(case), {"choice": "yes"}, headers=HTMX)
    assert response.headers["HX-Redirect"].startswith("/accounts/login/?next=")
    assert not Vote.objects.exists()


def test_vote_is_post_only(user_client, case):
    assert user_client.get(vote_url(case)).status_code == 405


def test_plain_vote_redirects_to_the_case_with_a_message(user_client, case, user):
    response = user_client.post(vote_url(case), {"choice": "yes"})
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#verdict"
    assert Vote.objects.get(user=user, case=case).choice == "yes"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your vote is in: “Made sense”."
    ]
    case.refresh_from_db()
    assert case.votes_yes == 1


def test_htmx_vote_answers_with_the_vote_box_fragment(user_client, case, user):
    response = user_client.post(vote_url(case), {"choice": "depends"}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="vote-box"')
    assert "<html" not in response.text
    assert "Your vote is in: “It depends”." in response.text
    assert "1 vote in all" in response.text
    assert Vote.objects.get(user=user).choice == "depends"


def test_changing_a_vote_replaces_it(user_client, case, user):
    user_client.post(vote_url(case), {"choice": "yes"})
    response = user_client.post(vote_url(case), {"choice": "no"}, headers=HTMX)
    assert "Your vote is changed to “Did not make sense”." in response.text
    assert Vote.objects.filter(user=user).count() == 1
    case.refresh_from_db()
    assert (case.votes_yes, case.votes_no) == (0, 1)


@pytest.mark.parametrize("data", [{"choice": "maybe"}, {}, {"choice": ""}])
def test_invalid_choice_is_a_400_with_a_reason(user_client, case, data):
    response = user_client.post(vote_url(case), data)
    assert response.status_code == 400
    assert "answer" in response.text
    assert not Vote.objects.exists()


def test_voting_on_a_draft_is_404_for_users_and_403_for_curators(client, draft_case, user, curator):
    client.force_login(user)
    assert client.post(vote_url(draft_case), {"choice": "yes"}).status_code == 404
    client.force_login(curator)
    assert client.post(vote_url(draft_case), {"choice": "yes"}).status_code == 403
    assert not Vote.objects.exists()


def test_vote_without_csrf_token_is_refused(case, user):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.post(vote_url(case), {"choice": "yes"}).status_code == 403
    assert not Vote.objects.exists()


# --- commenting ------------------------------------------------------------------------


def test_anonymous_comment_goes_to_login(client, case):
    response = client.post(comment_url(case), {"body": "Hello"})
    assert response.url.startswith("/accounts/login/?next=")
    assert not Comment.objects.exists()


def test_plain_comment_redirects_to_it_with_a_message(user_client, case, user):
    response = user_client.post(comment_url(case), {"body": "It *made* sense."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#comment-{comment.pk}"
    assert comment.author == user
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Your comment is posted."]
    page = user_client.get(response.url)
    assert "It <em>made</em> sense." in page.text


def test_htmx_comment_answers_with_the_comment_list_fragment(user_client, case, user, vote):
    vote(user, case, "no")
    response = user_client.post(
        comment_url(case), {"body": "Two firms, one customer."}, headers=HTMX
    )
    assert response.status_code == 200
    # The new comment (appended to the thread out of band), the count, a fresh form: not the
    # whole discussion.
    assert '<section id="comments"' not in response.text
    assert 'data-hx-swap-oob="beforeend:#comment-thread"' in response.text
    assert "Two firms, one customer." in response.text
    assert "Your comment is posted." in response.text
    assert "vote-badge-no" in response.text and "did not" in response.text
    assert re.search(
        r'id="comments-heading"[^>]*data-hx-swap-oob="true">\s*1 comment', response.text
    )
    assert re.search(r'<textarea name="body"[^>]*></textarea>', response.text)  # emptied
    # "No comments yet" goes
    assert 'id="comments-empty" data-hx-swap-oob="innerHTML"></div>' in response.text
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_empty_comment_gets_an_error_and_saves_nothing(user_client, case, headers):
    response = user_client.post(comment_url(case), {"body": "   "}, headers=headers)
    assert response.status_code == 200
    assert "Write something first." in response.text
    assert not Comment.objects.exists()


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_overlong_comment_gets_an_error_and_keeps_the_text(user_client, case, headers):
    body = "An argument. " * 800  # 10,400 characters
    response = user_client.post(comment_url(case), {"body": body}, headers=headers)
    assert "at most 10000 characters" in response.text
    assert body.strip() in response.text
    assert not Comment.objects.exists()


def test_comment_beyond_the_first_page_links_to_its_page(user_client, case):
    # 200 threads fill page one; a new, unrated comment ranks after them (older first on ties).
    CommentFactory.create_batch(THREADS_PER_PAGE, case=case)
    response = user_client.post(comment_url(case), {"body": "Late to the party."})
    assert "?page=2#comment-" in response.url
    assert "Late to the party." in user_client.get(response.url).text


def test_comment_on_a_draft_is_404_for_users(user_client, draft_case):
    assert user_client.post(comment_url(draft_case), {"body": "Hi"}).status_code == 404
    assert not Comment.objects.exists()


def test_staff_without_curator_permissions_cannot_preview_drafts(
    client, draft_case, staff_without_group
):
    client.force_login(staff_without_group)
    assert client.get(draft_case.get_absolute_url()).status_code == 404
    assert client.post(vote_url(draft_case), {"choice": "yes"}).status_code == 404
