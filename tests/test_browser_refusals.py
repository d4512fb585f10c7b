"""In a real Chromium: a refused htmx write shows its reason inside the form that sent it, and
the text stays in the box (static/js/refusals.js), under the strict CSP."""

import pytest

from cases.models import Comment
from tests.browser_fixtures import expect, log_in, public_page_errors
from tests.factories import CaseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_comment_sent_too_fast_is_refused_in_place_and_keeps_its_text(
    live_server, page, page_errors, settings
):
    settings.RATELIMIT_ENABLE = True
    case = CaseFactory(slug="fast-talk")
    UserFactory(username="quick")
    log_in(page, live_server.url, "quick")
    page.goto(f"{live_server.url}/cases/{case.slug}/")

    form = page.locator("#comment-form")
    form.locator("textarea[name=body]").fill("My first point.")
    form.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-form .alert-success")).to_contain_text("Your comment is posted")

    second = "A second point, sent at once."
    page.locator("#comment-form textarea[name=body]").fill(second)
    page.locator("#comment-form").get_by_role("button", name="Post comment").click()

    refusal = page.locator("#comment-form .refusal")
    expect(refusal).to_contain_text("faster than this site allows")
    expect(page.locator("#comment-form textarea[name=body]")).to_have_value(second)
    assert page.url == f"{live_server.url}/cases/{case.slug}/"
    assert list(Comment.objects.values_list("body", flat=True)) == ["My first point."]
    # The browser logs the 429 itself as a failed request; nothing else may go wrong.
    assert [error for _, error in public_page_errors(page_errors) if "429" not in error] == []
