"""One's account settings (/account/): email and password through allauth's pages in the site's
layout, the perspective and the language; and sign-up telling every password problem at once."""

import re

import pytest
from django.core.cache import cache

from accounts.models import User
from tests.conftest import HTMX
from tests.factories import PASSWORD

URL = "/account/"
SETLANG = "/i18n/setlang/"
GOOD_PASSWORD = "a-long-enough-passphrase-42"
TOO_SHORT = "This password is too short. It must contain at least 12 characters."
MISMATCH = "You must type the same password each time."
PLAIN_AND_HTMX = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts sign-ups and password changes in the cache."""
    cache.clear()
    yield
    cache.clear()


def in_site_layout(html: str) -> bool:
    """The site's base.html around it: its menu and its <main>."""
    return 'aria-label="Main"' in html and '<main id="main"' in html


# --- the page -----------------------------------------------------------------------------


def test_the_page_needs_a_login(client, user):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/"


def test_the_page_is_read_only(user_client):
    assert user_client.post(URL).status_code == 405


def test_the_page_shows_the_own_addresses_and_the_four_settings(user_client, user, other_user):
    response = user_client.get(URL)

    assert response.status_code == 200
    html = response.text
    assert in_site_layout(html)
    assert "alice@example.org" in html
    assert "bob@example.org" not in html
    assert "Verified" in html and "Primary" in html
    for section in ("email", "password", "perspective", "language"):
        assert f'id="{section}"' in html
    assert 'href="/accounts/email/"' in html
    assert 'href="/accounts/password/change/"' in html
    assert 'action="/users/me/perspective/"' in html
    assert f'action="{SETLANG}"' in html
    assert f'href="{user.get_absolute_url()}"' in html


@pytest.mark.parametrize(
    ("url", "heading"),
    [("/accounts/email/", "Email Addresses"), ("/accounts/password/change/", "Change Password")],
)
def test_the_email_and_password_links_open_allauths_pages_in_the_site_layout(
    user_client, url, heading
):
    response = user_client.get(url)

    assert response.status_code == 200
    html = response.text
    assert in_site_layout(html)
    assert re.search(rf"<h1>\s*{heading}\s*</h1>", html)
    assert f'<a href="{URL}">← Account settings</a>' in html  # the way back
    assert "Menu:" not in html  # allauth's bare layout is not used


def test_the_email_page_lists_the_address_as_bootstrap_choices(user_client):
    html = user_client.get("/accounts/email/").text

    assert 'class="form-check-input"' in html
    assert "alice@example.org" in html
    assert 'class="badge text-bg-success"' in html  # verified


def test_changing_the_password_comes_back_to_the_settings(user_client, user):
    response = user_client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == URL
    user.refresh_from_db()
    assert user.check_password(GOOD_PASSWORD)
    assert "Password successfully changed." in user_client.get(URL).text


def test_adding_an_email_address_works_from_allauths_page(user_client, user):
    response = user_client.post(
        "/accounts/email/", {"action_add": "", "email": "alice@work.example.org"}
    )

    assert response.status_code == 302
    assert "alice@work.example.org" in user_client.get(URL).text


# --- the perspective and the language, plain and with htmx ----------------------------------


@PLAIN_AND_HTMX
def test_the_perspective_saves_from_the_settings(user_client, user, headers):
    response = user_client.post(
        "/users/me/perspective/", {"perspective": "employee"}, headers=headers
    )

    assert User.objects.get(pk=user.pk).perspective == "employee"
    if headers:
        assert response.status_code == 200
        assert response.text.strip().startswith('<section id="perspective"')
        assert "Your perspective is now “Employee”." in response.text
    else:
        assert response.status_code == 302
        assert response["Location"] == f"{URL}#perspective"
        page = user_client.get(response["Location"]).text
        assert "Your perspective is now “Employee”." in page
        assert '<option value="employee" selected>' in page


@PLAIN_AND_HTMX
def test_the_language_saves_from_the_settings(user_client, user, headers):
    form = user_client.get(URL).text
    assert 'name="next" value="/account/#language"' in form
    assert f'data-hx-post="{SETLANG}"' in form

    response = user_client.post(
        SETLANG, {"language": "de", "next": f"{URL}#language"}, headers=headers
    )

    if headers:  # the whole page changes language: htmx loads it anew
        assert response.status_code == 200
        assert response["HX-Redirect"] == f"{URL}#language"
    else:
        assert response.status_code == 302
        assert response["Location"] == f"{URL}#language"
    assert User.objects.get(pk=user.pk).language == "de"
    page = user_client.get(URL).text
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page
    assert '<html lang="de"' in page


# --- sign-up: every password error at once ------------------------------------------------


def signup(client, **overrides):
    data = {
        "username": "carol",
        "email": "carol@example.org",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def test_a_short_and_mismatched_password_shows_both_errors_and_keeps_the_rest(client, db):
    response = signup(client, password1="short-pw-11", password2="short-pw-12")

    assert response.status_code == 200
    html = response.text
    assert TOO_SHORT in html
    assert MISMATCH in html
    assert 'value="carol"' in html
    assert 'value="carol@example.org"' in html
    assert "short-pw-1" not in html  # passwords are never written back
    assert not User.objects.filter(username="carol").exists()


def test_a_short_password_typed_twice_alike_is_only_too_short(client, db):
    html = signup(client, password1="short-pw-11", password2="short-pw-11").text

    assert TOO_SHORT in html
    assert MISMATCH not in html


def test_a_good_password_typed_differently_is_only_a_mismatch(client, db):
    html = signup(client, password2=GOOD_PASSWORD + "-typo").text

    assert MISMATCH in html
    assert TOO_SHORT not in html
    assert not User.objects.filter(username="carol").exists()


def test_a_good_password_typed_twice_signs_up(client, db):
    assert signup(client).status_code == 302
    assert User.objects.filter(username="carol").exists()
