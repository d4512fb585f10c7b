"""The reader's language, kept on a signed-in person's account (accounts/languages.py), their
emails written in it, and allauth's German in the site's voice („Sie“, locale_allauth/)."""

import re
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from huey.contrib.djhuey import HUEY

from accounts.models import User
from cases.models import Case
from tests.conftest import HTMX
from tests.factories import PASSWORD, CaseFactory, UserFactory

COOKIE = settings.LANGUAGE_COOKIE_NAME
SETLANG = "/i18n/setlang/"
PLAIN_AND_HTMX = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
OVERRIDES = Path(settings.BASE_DIR) / "locale_allauth" / "de" / "LC_MESSAGES"
ALLAUTH_DE = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
# Addressing the reader as „du“: none of it on the site, allauth's pages and mails included.
DU = re.compile(r"\b(du|dich|dir|dein\w*|hast|bist|kannst|möchtest|musst|solltest)\b", re.I)
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def back_to_english():
    """The test client's requests activate a language in this thread: none leaks out."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def german(msgid: str) -> str:
    """The German that the catalogues (ours, locale_allauth's, allauth's) give for `msgid`."""
    with translation.override("de"):
        text = gettext(msgid)
    assert text != msgid, f"no German for {msgid!r}"
    return text


def arrived_at(response) -> str:
    """Where the switch sends the browser: a redirect, or htmx's HX-Redirect."""
    return response["Location"] if response.status_code == 302 else response["HX-Redirect"]


# --- the switch ---------------------------------------------------------------------------


@PLAIN_AND_HTMX
def test_switching_while_signed_in_stores_the_language_and_comes_back(client, user, case, headers):
    client.force_login(user)
    back = f"{case.get_absolute_url()}?order=new&page=1"

    response = client.post(SETLANG, {"language": "de", "next": back}, headers=headers)

    assert response.status_code == (200 if headers else 302)
    assert arrived_at(response) == back  # the same page, query string and all
    assert response.cookies[COOKIE].value == "de"
    user.refresh_from_db()
    assert user.language == "de"
    page = client.get(back, **ENGLISH).text  # the account outranks the browser now
    assert 'lang="de"' in page and german("Log out") in page


@PLAIN_AND_HTMX
def test_anonymous_switching_sets_the_cookie_and_writes_no_row(client, user, headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(SETLANG, {"language": "de", "next": "/"}, headers=headers)

    assert response.cookies[COOKIE].value == "de"
    assert not [q for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not User.objects.exclude(language="").exists()


@PLAIN_AND_HTMX
@pytest.mark.parametrize("language", ["xx", "", "../de"])
def test_an_invalid_language_changes_nothing(client, user, headers, language):
    User.objects.filter(pk=user.pk).update(language="en")
    client.force_login(user)
    client.cookies[COOKIE] = "en"

    with CaptureQueriesContext(connection) as queries:
        response = client.post(SETLANG, {"language": language, "next": "/"}, headers=headers)

    assert arrived_at(response) == "/"
    assert COOKIE not in response.cookies
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    user.refresh_from_db()
    assert user.language == "en"


def test_changing_the_language_again_and_again_meets_a_rate_limit(client, user, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "language": {"account": ["2/h"]}}
    client.force_login(user)
    for language in ("de", "en"):
        assert client.post(SETLANG, {"language": language, "next": "/"}).status_code == 302

    response = client.post(SETLANG, {"language": "de", "next": "/"})

    assert response.status_code == 429
    assert COOKIE not in response.cookies
    user.refresh_from_db()
    assert user.language == "en"


def test_the_account_settings_offer_the_language_as_a_setting(client, user):
    User.objects.filter(pk=user.pk).update(language="de")
    client.force_login(user)

    page = client.get("/account/", **ENGLISH).text

    assert f'action="{SETLANG}"' in page
    assert 'name="next" value="/account/#language"' in page
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page
    assert 'id="language"' not in Client().get(user.get_absolute_url()).text  # not others'


# --- the account's language wins over the browser's ---------------------------------------


def test_a_german_user_logging_in_on_an_english_browser_gets_german_pages(user):
    User.objects.filter(pk=user.pk).update(language="de")
    browser = Client(**ENGLISH)
    assert 'lang="en"' in browser.get("/").text

    response = browser.post("/accounts/login/", {"login": "alice", "password": PASSWORD})

    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "de"  # kept after logging out too
    page = browser.get(response["Location"]).text
    assert 'lang="de"' in page and german("Log out") in page
    assert german("Successfully signed in as %(name)s.") % {"name": "alice"} in page
    browser.post("/accounts/logout/")
    assert 'lang="de"' in browser.get("/").text


def test_a_signed_in_person_without_a_choice_reads_what_the_browser_asks_for(client, user):
    client.force_login(user)
    assert 'lang="de"' in client.get("/", **GERMAN).text
    assert 'lang="en"' in client.get("/", **ENGLISH).text


def test_an_account_without_a_language_keeps_the_one_it_logs_in_with(user):
    assert user.language == ""
    response = Client(**GERMAN).post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).language == "de"
    Client(**ENGLISH).post("/accounts/login/", {"login": "alice", "password": PASSWORD})
    assert User.objects.get(pk=user.pk).language == "de"  # a kept choice is not overwritten


def test_signing_up_keeps_the_language_of_the_sign_up(db):
    browser = Client(**GERMAN)
    response = browser.post(
        "/accounts/signup/",
        {
            "username": "carla",
            "email": "carla@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )

    assert response.status_code == 302
    assert User.objects.get(username="carla").language == "de"
    [confirmation] = mail.outbox
    assert german("Please Confirm Your Email Address") in confirmation.subject
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in confirmation.subject
    assert "Danke, dass Sie" in confirmation.body
    assert not DU.search(confirmation.subject + confirmation.body)
    [link] = re.findall(r"http://testserver(/accounts/confirm-email/\S+)", confirmation.body)
    page = browser.get(link).text  # the confirmation page
    assert "Bitte bestätigen Sie, dass" in page
    assert not DU.search(re.sub(r"<[^>]+>", " ", page))


# --- emails in the recipient's language ----------------------------------------------------


@pytest.fixture
def curator_in(curator):
    def browser(language: str, headers: dict) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language, headers=headers)
        client.force_login(curator)
        return client

    return browser


def pending(proposer: User) -> Case:
    return CaseFactory(
        title="Payroll moves abroad",
        status=Case.Status.PENDING,
        published_at=None,
        proposer=proposer,
        submitted_at=timezone.now(),
    )


@PLAIN_AND_HTMX
@pytest.mark.parametrize(("proposer_language", "curator_language"), [("de", "en"), ("en", "de")])
def test_the_decision_email_is_in_the_proposers_language_not_the_curators(
    curator_in, django_capture_on_commit_callbacks, headers, proposer_language, curator_language
):
    proposer = UserFactory(username="paula", language=proposer_language)
    proposal = pending(proposer)
    url = reverse("cases:publish_proposal", args=[proposal.slug])

    with django_capture_on_commit_callbacks(execute=True):
        response = curator_in(curator_language, headers).post(url)

    assert response.status_code == (200 if headers else 302)
    [message] = mail.outbox
    assert message.to == ["paula@example.org"]
    with translation.override(proposer_language):
        published = gettext("Your proposal “%(title)s” is published: %(url)s") % {
            "title": "Payroll moves abroad",
            "url": f"{settings.SITE_URL.rstrip('/')}{proposal.get_absolute_url()}",
        }
        subject = gettext("Your proposal: %(status)s") % {"status": gettext("Published")}
    assert message.body == published
    assert message.subject == subject
    if proposer_language == "de":
        assert message.subject == "Ihr Vorschlag: Veröffentlicht"
    else:
        assert message.subject == "Your proposal: Published"


def test_a_sent_back_proposal_is_explained_in_german_to_a_german_proposer(
    curator_in, django_capture_on_commit_callbacks
):
    proposal = pending(UserFactory(username="paula", language="de"))
    url = reverse("cases:send_back_proposal", args=[proposal.slug])

    with django_capture_on_commit_callbacks(execute=True):
        curator_in("en", {}).post(url, {"note": "Name a source, please."})

    [message] = mail.outbox
    assert message.body.startswith("Ein Kurator hat Ihren Vorschlag „Payroll moves abroad“")
    assert "Name a source, please." in message.body


def test_allauths_password_reset_mail_is_in_the_accounts_language_with_sie(user):
    User.objects.filter(pk=user.pk).update(language="de")

    Client(**ENGLISH).post("/accounts/password/reset/", {"email": user.email})

    [message] = mail.outbox
    assert german("Password Reset Email") in message.subject
    assert (
        german(
            "You're receiving this email because you or someone else has requested a password"
            " reset for your user account.\nIt can be safely ignored if you did not request a"
            " password reset. Click the link below to reset your password."
        )
        in message.body
    )
    assert "Über den folgenden Link setzen Sie Ihr Passwort zurück." in message.body
    assert not DU.search(message.subject + message.body)


def test_an_english_account_gets_allauths_mail_in_english_from_a_german_browser(user):
    User.objects.filter(pk=user.pk).update(language="en")
    Client(**GERMAN).post("/accounts/password/reset/", {"email": user.email})
    [message] = mail.outbox
    assert "You're receiving this email because" in message.body


def test_the_queue_sends_the_mail_as_written_whatever_the_workers_language(
    user, settings, django_capture_on_commit_callbacks
):
    """outsourcing/mail.py queues the rendered text: the worker does not render it again."""
    settings.EMAIL_BACKEND = "outsourcing.mail.QueuedEmailBackend"
    User.objects.filter(pk=user.pk).update(language="de")
    HUEY.immediate = False
    try:
        with django_capture_on_commit_callbacks(execute=True):
            Client(**ENGLISH).post("/accounts/password/reset/", {"email": user.email})
        assert mail.outbox == []
        with translation.override("en"):
            while (job := HUEY.dequeue()) is not None:
                HUEY.execute(job)
    finally:
        HUEY.immediate = True
        HUEY.flush()
    [message] = mail.outbox
    assert "Über den folgenden Link setzen Sie Ihr Passwort zurück." in message.body


# --- allauth's German: „Sie“, anmelden, registrieren -----------------------------------------


@pytest.mark.parametrize(
    ("url", "signed_in", "expected"),
    [
        ("/accounts/login/", False, "Sie haben noch kein Konto? Dann"),
        ("/accounts/signup/", False, "Sie haben bereits ein Konto? Dann"),
        ("/accounts/password/reset/", False, "Geben Sie unten Ihre E-Mail-Adresse ein"),
        ("/accounts/email/", True, "Folgende E-Mail-Adressen"),
        ("/accounts/password/change/", True, "Aktuelles Passwort"),
    ],
)
def test_allauths_pages_say_sie_in_german(user, url, signed_in, expected):
    browser = Client(**GERMAN)
    if signed_in:
        browser.force_login(user)
    page = browser.get(url).text
    assert expected in page
    assert not DU.search(re.sub(r"<[^>]+>", " ", page))
    if url == "/accounts/login/":
        assert "registrieren Sie sich" in page and ">Anmelden<" in page


def test_allauths_english_says_log_in_and_sign_up_like_the_site(client, db):
    login = client.get("/accounts/login/", **ENGLISH).text
    assert re.search(r"<button[^>]*>\s*Log in\s*</button>", login)
    assert "Sign In" not in login and "Remember Me" not in login
    assert "Username or email" in login
    signup = client.get("/accounts/signup/", **ENGLISH).text
    assert "Sign Up" not in signup and "sign in" not in signup
    assert "Sign up" in signup and "log in" in signup


def po_entries(path: Path):
    """(msgid, references) of each entry of a .po file."""
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        references = " ".join(line[2:] for line in block.splitlines() if line.startswith("#:"))
        found = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if found:
            parts = re.findall(r'"(.*)"', found.group(1))
            msgid = "".join(parts).encode().decode("unicode_escape").encode("latin-1").decode()
            yield msgid, references


def test_no_account_text_of_allauth_says_du_in_german():
    """An allauth upgrade that brings a new „du“ (pages, messages, mails) fails here: add an
    entry to locale_allauth/de/LC_MESSAGES/django.po."""
    ours = {msgid for msgid, _ in po_entries(OVERRIDES / "django.po") if msgid}
    account_texts = [
        msgid
        for msgid, references in po_entries(ALLAUTH_DE)
        if msgid and re.search(r"(^| )(templates/)?(account|allauth)/", references)
    ]
    assert len(account_texts) > 150
    assert ours <= set(account_texts)  # every override still overrides something
    saying_du = [msgid for msgid in account_texts if DU.search(german_or_same(msgid))]
    assert saying_du == []


def german_or_same(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)
