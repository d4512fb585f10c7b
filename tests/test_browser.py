"""End-to-end flows in a real Chromium (Playwright) against pytest-django's live server.

Run with: .venv/bin/pytest tests/test_browser.py -m browser
"""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from accounts.models import User
from cases.models import Case, Comment, ModerationLog, Vote
from tests.browser_fixtures import expect, log_in, public_page_errors
from tests.factories import PASSWORD, CaseFactory, CategoryFactory, CommentFactory

# The live server commits for real, so these tests need a transactional database.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_up_votes_changes_vote_and_comments(live_server, page, page_errors):
    case = CaseFactory(title="Payroll goes to a service bureau", slug="payroll-bureau")
    case_path = f"/cases/{case.slug}/"

    page.goto(live_server.url + "/")
    page.get_by_role("link", name=case.title).click()
    expect(page).to_have_url(live_server.url + case_path)
    expect(page.get_by_role("heading", name=case.title, level=1)).to_be_visible()

    # Voting logged out sends the visitor to log in, with the way back to the case.
    vote_box = page.locator("#vote-box")
    vote_box.get_by_role("button", name="Made sense").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?"))
    assert parse_qs(urlparse(page.url).query)["next"] == [case_path]

    # The login page's own sign-up link keeps `next`.
    page.locator("main").get_by_role("link", name="sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    page.locator("#id_username").fill("carol")
    page.locator("#id_email").fill("carol@example.org")
    page.locator("#id_password1").fill("a-long-enough-passphrase")
    page.locator("#id_password2").fill("a-long-enough-passphrase")
    page.locator("main").get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(re.escape(case_path)))
    expect(page.get_by_role("link", name="carol")).to_be_visible()

    page.goto(live_server.url + case_path)
    vote_box.get_by_role("button", name="Made sense").click()
    expect(vote_box.get_by_role("button", name="Made sense")).to_contain_text("your vote")
    expect(vote_box).to_contain_text("1 vote in all")

    # Changing the vote moves it; it never adds a second one.
    vote_box.get_by_role("button", name="Did not make sense").click()
    expect(vote_box.get_by_role("button", name="Did not make sense")).to_contain_text("your vote")
    expect(vote_box.get_by_role("button", name="Made sense")).not_to_contain_text("your vote")
    expect(vote_box).to_contain_text("1 vote in all")
    no_row = vote_box.locator(".verdict-row").filter(has_text="Did not make sense")
    expect(no_row).to_contain_text(re.compile(r"100\s%\s\(1 vote\)"))

    # Markdown renders; the script tag is sanitised away.
    comments = page.locator("#comments")
    comments.get_by_label("Your comment").fill("**strong** words <script>window.pwned = 1</script>")
    comments.get_by_role("button", name="Post comment").click()
    expect(comments).to_contain_text("Your comment is posted.")
    comment = comments.locator("article.comment").filter(has_text="words")
    expect(comment.locator(".comment-body strong")).to_have_text("strong")
    expect(comment.locator(".comment-body script")).to_have_count(0)
    expect(comment.locator(".vote-badge")).to_have_text("did not")
    assert page.evaluate("window.pwned") is None

    # An empty comment is refused with a message beside the field.
    comments.get_by_label("Your comment").fill("   ")
    comments.get_by_role("button", name="Post comment").click()
    expect(comments.locator(".comment-form .invalid-feedback")).to_contain_text(
        "Write something first."
    )
    expect(comments.locator("article.comment")).to_have_count(1)

    carol = User.objects.get(username="carol")
    assert list(Vote.objects.filter(user=carol, case=case).values_list("choice", flat=True)) == [
        "no"
    ]
    case.refresh_from_db()
    assert (case.votes_yes, case.votes_no, case.votes_depends) == (0, 1, 0)
    assert Comment.objects.filter(case=case).count() == 1
    assert public_page_errors(page_errors) == []


def test_curator_publishes_a_case_and_hides_a_comment(live_server, page, page_errors, curator):
    category = CategoryFactory(name="Customer care", slug="customer-care")

    # The admin's login is the site's (rate-limited) one, which comes back to the admin.
    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=%2Fadmin%2F")
    page.locator("#id_login").fill(curator.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/admin/")

    page.goto(live_server.url + "/admin/cases/case/add/")
    # Typed, not filled: the admin's prepopulate script fills the slug on keyup.
    page.locator("#id_title").press_sequentially("Hosting moves to a cloud provider")
    expect(page.locator("#id_slug")).to_have_value("hosting-moves-to-a-cloud-provider")
    page.locator("#id_status").select_option(label="Published")
    page.locator("#id_category").select_option(label=category.name)
    page.locator("#id_decision").fill("Own servers → a cloud provider")
    page.locator("#id_summary").fill("A shop stops running its own servers.")
    page.locator("#id_story").fill("The servers were *old*.")
    page.locator("#id_sources-0-title").fill("Why we left our basement")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    case = Case.objects.get(slug="hosting-moves-to-a-cloud-provider")
    assert case.status == Case.Status.PUBLISHED and case.published_at is not None
    assert list(case.sources.values_list("title", flat=True)) == ["Why we left our basement"]
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=case.title).click()
    expect(page.locator(".sources")).to_contain_text("Why we left our basement")

    comment = CommentFactory(case=case, body="Buy my pills at example.com")
    page.reload()
    expect(page.locator("#comments")).to_contain_text("Buy my pills")

    page.goto(live_server.url + "/admin/cases/comment/")
    page.locator(f"input[name=_selected_action][value='{comment.pk}']").check()
    page.locator("select[name=action]").select_option(value="hide")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Why hide these comments?").fill("Spam")
    page.get_by_role("button", name="Hide them").click()
    expect(page.locator(".messagelist")).to_contain_text("1 comment hidden.")

    page.goto(live_server.url + case.get_absolute_url())
    expect(page.locator("#comments h2")).to_contain_text("0 comments")
    expect(page.locator("#comments")).not_to_contain_text("Buy my pills")

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.hidden_reason == "Spam"
    assert ModerationLog.objects.filter(
        comment=comment, action=ModerationLog.Action.HIDE_COMMENT, moderator=curator
    ).exists()
    assert public_page_errors(page_errors) == []


def test_reader_replies_rates_and_credits_a_comment_for_a_changed_mind(
    live_server, page, page_errors
):
    case = CaseFactory(title="Support desk moves abroad", slug="support-abroad")
    case_url = f"{live_server.url}/cases/{case.slug}/"
    older = CommentFactory(case=case, body="Older argument: costs fall.")
    newer = CommentFactory(case=case, body="Newer argument: the data leaves the firm.")
    User.objects.create_user("dana", "dana@example.org", PASSWORD)

    page.goto(f"{live_server.url}/accounts/login/?next=/cases/{case.slug}/")
    page.locator("#id_login").fill("dana")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(case_url)
    page.locator("#vote-box").get_by_role("button", name="Made sense").click()
    expect(page.locator("#vote-box")).to_contain_text("your vote")

    # Unrated, the older comment comes first; one "convincing" puts the newer one ahead.
    thread = page.locator(".comment-thread")
    expect(thread.locator("article").first).to_contain_text("Older argument")
    newer_comment = page.locator(f"#comment-{newer.pk}")
    newer_comment.get_by_role("button", name="Convincing", exact=True).click()
    # The rating counts at once; its score shows only after the comment's first 24 hours.
    expect(newer_comment.get_by_role("button", name="Convincing", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(newer_comment).to_contain_text("score hidden for now")
    page.reload()
    expect(thread.locator("article").first).to_contain_text("Newer argument")

    # A reply opens under the comment and lands nested beneath it.
    page.locator(f"#comment-{older.pk}").get_by_role("link", name="Reply").click()
    reply_form = page.locator(f"#reply-slot-{older.pk} form")
    reply_form.get_by_label("Your comment").fill("Costs fall, but who answers the phone?")
    reply_form.get_by_role("button", name="Post reply").click()
    expect(page.locator("#comments")).to_contain_text("Your reply is posted.")
    expect(page.locator(".comment-level-1")).to_contain_text("who answers the phone?")

    # Changing the vote offers to credit a comment; the credited one shows it.
    page.locator("#vote-box").get_by_role("button", name="Did not make sense").click()
    mind_form = page.locator("#vote-box form.changed-mind")
    expect(mind_form).to_be_visible()
    mind_form.get_by_label(re.compile("the data leaves the firm")).check()
    mind_form.get_by_role("button", name="This one changed my mind").click()
    expect(page.locator("#vote-box")).to_contain_text("credited with changing your mind")
    page.reload()
    expect(page.locator(f"#comment-{newer.pk}")).to_contain_text("changed 1 mind")

    newer.refresh_from_db()
    assert (newer.upvotes, newer.minds_changed) == (1, 1)
    assert Comment.objects.get(parent=older).body == "Costs fall, but who answers the phone?"
    assert Vote.objects.get(user__username="dana").first_choice == "yes"
    assert public_page_errors(page_errors) == []


def test_proposal_is_sent_back_resubmitted_published_and_logged(
    live_server, page, open_page, page_errors, curator
):
    CategoryFactory(name="Customer service", slug="customer-service")
    User.objects.create_user("olga", "olga@example.org", PASSWORD)
    base = live_server.url

    # A reader proposes a case.
    log_in(page, base, "olga")
    page.get_by_role("link", name="Propose a case").click()
    form = page.locator("#proposal-form")
    form.get_by_label("Title").fill("Our bakery's phone orders go to a call center")
    form.get_by_label("Decision").fill("Phone orders → a regional call center")
    form.get_by_label("Summary").fill("A bakery of six lets a call center take its orders.")
    form.get_by_label("Story").fill("Customers now talk to people who never saw the bakery.")
    form.get_by_label("Category").select_option(label="Customer service")
    form.get_by_label("Who decided").fill("The bakery's owner")
    form.get_by_label("What was outsourced").fill("Taking phone orders")
    form.get_by_label("To whom / where").fill("A regional call center")
    form.get_by_label("Year").fill("2019")
    form.get_by_label("Where (country or region)").fill("Germany")
    form.locator("#id_sources-0-description").fill("My own experience, 2019")
    form.locator("#id_sources-0-language").select_option("en")
    form.get_by_role("button", name="Send the proposal").click()
    expect(page.locator("main")).to_contain_text("waiting for a curator")
    proposal = Case.objects.get(proposer__username="olga")
    assert proposal.status == "pending"

    # A curator sends it back with a note, in a second browser context.
    curator_page = open_page()
    log_in(curator_page, base, curator.username)
    curator_page.goto(f"{base}/curate/")
    card = curator_page.locator(f"#proposal-{proposal.pk}")
    expect(card).to_contain_text("Customers now talk to people who never saw the bakery.")
    card.get_by_label("What should change?").fill("Please say what happened to the orders.")
    expect(curator_page.locator("#queue-count")).to_contain_text("1 proposal waits")
    card.get_by_role("button", name="Send back").click()
    expect(curator_page.locator("main")).to_contain_text("is sent back")
    # The counter follows out of band, and stays once.
    expect(curator_page.locator("#queue-count")).to_contain_text("0 proposals wait")
    expect(curator_page.locator("#queue-count")).to_have_count(1)

    # The proposer reads the note, edits and resubmits.
    page.goto(f"{base}/users/olga/")
    expect(page.locator("main")).to_contain_text("Please say what happened to the orders.")
    page.get_by_role("link", name="Edit and resubmit").click()
    page.locator("#proposal-form").get_by_label("Outcome").fill("Orders went missing twice.")
    page.get_by_role("button", name="Send it again").click()
    expect(page.locator("main")).to_contain_text("Pending")

    # The curator publishes it; it is on the front page and the log shows the acts.
    curator_page.goto(f"{base}/curate/")
    curator_page.locator(f"#proposal-{proposal.pk}").get_by_role("button", name="Publish").click()
    expect(curator_page.locator("main")).to_contain_text("is published")
    page.goto(f"{base}/")
    expect(page.get_by_role("link", name=proposal.title)).to_be_visible()
    page.get_by_role("link", name="Moderation log").click()
    log = page.locator("main")
    expect(log).to_contain_text("Published a proposal")
    expect(log).to_contain_text("Sent a proposal back")

    proposal.refresh_from_db()
    assert (proposal.status, proposal.outcome) == ("published", "Orders went missing twice.")
    assert list(
        ModerationLog.objects.filter(case=proposal).values_list("action", flat=True).order_by("pk")
    ) == ["send_back", "publish"]
    assert public_page_errors(page_errors) == []


def test_admin_pages_work_under_the_content_security_policy(live_server, page):
    """The admin's scripts and styles run under the policy (`page` fails on any violation)."""
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    case = CaseFactory(title="Cleaning goes to a contractor", slug="cleaning")
    CommentFactory(case=case, body="Cheaper, and the floors are cleaner.")
    base = live_server.url

    response = page.goto(f"{base}/accounts/login/?next=/admin/")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    page.locator("#id_login").fill(admin.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/admin/")

    # Changelist: actions.js counts the selected rows.
    page.goto(f"{base}/admin/cases/case/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")

    # Change form: inlines.js adds a source form; the history page lists the changes.
    page.goto(f"{base}/admin/cases/case/{case.pk}/change/")
    page.get_by_role("button", name=re.compile("Add another source", re.IGNORECASE)).click()
    expect(page.locator("#id_sources-1-title")).to_be_visible()
    page.goto(f"{base}/admin/cases/case/{case.pk}/history/")
    expect(page.locator("#content h1")).to_contain_text("Change history")

    # The comments changelist, and the user form with its two-box group picker (SelectFilter2).
    page.goto(f"{base}/admin/cases/comment/")
    expect(page.locator("#result_list")).to_contain_text("Cheaper")
    page.goto(f"{base}/admin/accounts/user/{admin.pk}/change/")
    expect(page.locator("#id_groups_filter")).to_be_visible()
