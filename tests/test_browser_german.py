"""A German reader's journey in a real Chromium: the case in German, sign up, vote, comment,
then switch to English on the same page.

Run with: .venv/bin/pytest tests/test_browser_german.py -m browser
"""

import re

import pytest

from accounts.models import User
from cases.models import Comment, Vote
from cases.services.translations import save_case_translation
from tests.browser_fixtures import expect
from tests.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_german_reader_signs_up_votes_comments_and_switches_to_english(
    live_server, open_page, page_errors, csp_violations
):
    case = CaseFactory(title="Payroll goes to a service bureau", slug="payroll-bureau")
    save_case_translation(
        case=case,
        language="de",
        title="Die Lohnabrechnung geht an ein Rechenzentrum",
        decision="Lohnabrechnung → externer Dienstleister",
        summary="Eine Firma lässt die Löhne außer Haus rechnen.",
        story="Die Firma hatte **zwei** Leute für die Löhne.",
    )
    page = open_page(locale="de-DE")
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_role("link", name="Die Lohnabrechnung geht an ein Rechenzentrum").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Die Lohnabrechnung geht an ein Rechenzentrum"
    )
    expect(page.locator(".story strong")).to_have_text("zwei")

    # Voting logged out leads to the login page, in German, and on to sign up.
    vote_box = page.locator("#vote-box")
    vote_box.get_by_role("button", name="War sinnvoll").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmelden")
    page.locator("main").get_by_role("link", name=re.compile("registrieren", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    page.locator("#id_username").fill("greta")
    page.locator("#id_email").fill("greta@example.org")
    page.locator("#id_password1").fill("eine-lange-genug-passphrase")
    page.locator("#id_password2").fill("eine-lange-genug-passphrase")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("link", name="greta")).to_be_visible()

    page.goto(live_server.url + f"/cases/{case.slug}/")
    vote_box.get_by_role("button", name="War sinnvoll").click()
    expect(vote_box.get_by_role("button", name="War sinnvoll")).to_contain_text("Ihre Stimme")

    comments = page.locator("#comments")
    comments.get_by_label("Ihr Kommentar").fill("Das war **vernünftig**.")
    comments.get_by_role("button", name="Kommentar absenden").click()
    expect(comments).to_contain_text("Ihr Kommentar ist erschienen.")
    expect(comments.locator("article.comment .comment-body strong")).to_have_text("vernünftig")

    # The switch in the header: the same page, now in English, and the account keeps it.
    page.locator("nav .language-switch").get_by_role("button", name="English").click()
    expect(page).to_have_url(live_server.url + f"/cases/{case.slug}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payroll goes to a service bureau")
    expect(vote_box.get_by_role("button", name="Made sense")).to_contain_text("your vote")

    greta = User.objects.get(username="greta")
    assert greta.language == "en"
    assert list(Vote.objects.filter(user=greta).values_list("choice", flat=True)) == ["yes"]
    assert Comment.objects.get(author=greta).body == "Das war **vernünftig**."
    assert page_errors == []
    assert csp_violations == []
