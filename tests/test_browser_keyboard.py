"""A keyboard-only journey in a real Chromium: vote, comment and reply with the Tab key and
Enter, never the mouse.

Run with: .venv/bin/pytest tests/test_browser_keyboard.py -m browser
"""

import pytest

from cases.models import Comment, Vote
from tests.browser_fixtures import expect, log_in
from tests.factories import CaseFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAX_TABS = 120


def tab_to(page, selector: str) -> None:
    """Press Tab until the focused element matches `selector` (fails after MAX_TABS)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_a_reader_votes_comments_and_replies_with_the_keyboard(live_server, page, page_errors):
    case = CaseFactory(title="Payroll goes to a service bureau", slug="payroll-bureau")
    other = UserFactory(username="bob")
    CommentFactory(case=case, author=other, body="Bureaus make fewer mistakes.")
    reader = UserFactory(username="carol")
    log_in(page, live_server.url, "carol")
    page.goto(f"{live_server.url}/cases/{case.slug}/")

    tab_to(page, '#vote-box button[value="yes"]')
    page.keyboard.press("Enter")
    expect(page.locator('#vote-box button[value="yes"]')).to_contain_text("your vote")

    tab_to(page, "#comments .comment-form textarea")
    page.keyboard.type("Typed without a mouse.")
    tab_to(page, "#comments .comment-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#comments")).to_contain_text("Your comment is posted.")

    page.goto(f"{live_server.url}/cases/{case.slug}/")
    tab_to(page, 'article.comment a[href*="/reply/"]')
    page.keyboard.press("Enter")
    tab_to(page, ".reply-form textarea")
    page.keyboard.type("A reply, by keyboard too.")
    tab_to(page, ".reply-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#comments")).to_contain_text("Your reply is posted.")

    assert Vote.objects.get(user=reader, case=case).choice == "yes"
    bodies = dict(Comment.objects.filter(author=reader).values_list("body", "parent__author"))
    assert bodies == {"Typed without a mouse.": None, "A reply, by keyboard too.": other.pk}
    assert page_errors == []
