"""Every page a reader, a member and a curator reach, asked for in German: German words on it,
and none of the site's English ones (the cases on it have their German text)."""

import re

import pytest
from django.test import Client

from cases import services
from cases.models import ModerationLog
from cases.services.translations import save_case_translation, save_category_translation
from tests.factories import CaseFactory, CommentFactory

# The site's own English, as each page would show it untranslated. Words that are the same in
# both languages (Spam, Name, Story…) or that user content might contain are left out.
ENGLISH = [
    "Log in",
    "Log out",
    "Sign up",
    "Sign In",
    "Sign Up",
    "Made sense",
    "Did not make sense",
    "It depends",
    "The story",
    "Sources",
    "Comments",
    "comments",
    "No votes yet",
    "Moderation log",
    "Rule of thumb",
    "Propose a case",
    "Search",
    "Newest",
    "Password",
    "Username",
    "Email",
    "Your comment",
    "Reply",
    "Flag",
    "Review queue",
    "Language",
    "What do you think",
    "Who decided",
    "Not known",
    " ago",
    "Page not found",
    "Member since",
    "Next",
    "Previous",
]
# German that each kind of page shows (from the catalogue).
GERMAN = {
    "/": ["Fälle", "Suche"],
    "case": ["Die Geschichte", "Quellen"],
    "/moderation/": ["Moderationsprotokoll"],
    "/rule-of-thumb/": ["Faustregel"],
    "/accounts/login/": ["Anmelden", "Passwort"],
    "/accounts/signup/": ["Registrieren", "Passwort"],
    "/cases/new/": ["Fall vorschlagen"],
    "/curate/": ["Prüfliste"],
    "/account/": ["Kontoeinstellungen", "E-Mail-Adressen", "Passwort ändern"],
}


def english_on(html: str) -> list[str]:
    """The English strings on a page's visible text (tags, attributes' values of code such as
    class names, and the language switch's own names left out)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    text = text.replace("English", "")  # the switch names each language in its own
    return [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]


@pytest.fixture
def german_case(db, user, other_user, curator):
    case = CaseFactory(title="A firm hands off its customer care", slug="customer-care")
    save_case_translation(
        case=case,
        language="de",
        title="Eine Firma gibt ihren Kundendienst ab",
        decision="Kundendienst → externes Callcenter",
        summary="Eine Firma überlässt ihren Kundendienst einem Callcenter.",
        story="Die Firma hatte **fünfzehn** Leute am Telefon.",
        decided_by="Die Inhaberin",
        outsourced_what="Kundendienst",
        provider="Ein Callcenter",
        where="Deutschland",
        outcome="Die Kunden wanderten ab.",
    )
    save_category_translation(category=case.category, language="de", name="Kundenbetreuung")
    services.cast_vote(user=other_user, case=case, choice="no")
    comment = CommentFactory(case=case, author=other_user, body="Das war unklug.")
    services.change_case_status(moderator=curator, case=case, status="archived")
    services.change_case_status(moderator=curator, case=case, status="published")
    assert ModerationLog.objects.count() == 2
    return case, comment


def german_get(client: Client, path: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code in (200, 404), (path, response.status_code)
    assert '<html lang="de">' in response.text, path
    return response.text


PUBLIC = ["/", "case", "/moderation/", "/rule-of-thumb/", "/accounts/login/", "/accounts/signup/"]


@pytest.mark.parametrize("path", PUBLIC)
def test_a_visitor_reads_every_page_in_german(client, german_case, path):
    case, _comment = german_case
    html = german_get(client, case.get_absolute_url() if path == "case" else path)
    for word in GERMAN[path]:
        assert word in html, (path, word)
    assert english_on(html) == [], path


@pytest.mark.parametrize("path", ["/", "case", "/cases/new/", "profile", "reply", "/account/"])
def test_a_member_reads_every_page_in_german(client, german_case, user, path):
    case, comment = german_case
    client.force_login(user)
    url = {
        "case": case.get_absolute_url(),
        "profile": user.get_absolute_url(),
        "reply": f"/comments/{comment.pk}/reply/",
    }.get(path, path)
    html = german_get(client, url)
    for word in GERMAN.get(path, []):
        assert word in html, (path, word)
    assert english_on(html) == [], path


@pytest.mark.parametrize("path", ["/curate/", "case", "/moderation/"])
def test_a_curator_reads_every_page_in_german(curator_client, german_case, path):
    case, _comment = german_case
    html = german_get(curator_client, case.get_absolute_url() if path == "case" else path)
    for word in GERMAN.get(path, []):
        assert word in html, (path, word)
    assert english_on(html) == [], path


def test_a_page_that_is_not_there_says_so_in_german(client, db):
    html = german_get(client, "/cases/no-such-case/")
    assert english_on(html) == []
    assert "nicht gefunden" in html.lower() or "gibt es nicht" in html


def test_the_sweep_finds_english(client, german_case):
    """The check itself: the same pages in English are full of the words it looks for."""
    case, _comment = german_case
    html = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert {"Log in", "Made sense", "The story", "Sources"} <= set(english_on(html))
