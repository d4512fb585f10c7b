"""The German catalogue: complete, and the checked-in .mo compiled from the .po (a fresh clone
needs no gettext tools to serve German; CI has them and checks)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES"
# allauth's entries in the site's words (German with „Sie“, English with "Log in").
ALLAUTH_OVERRIDES = Path(settings.BASE_DIR) / "locale_allauth"
MSGFMT = shutil.which("msgfmt")


@pytest.fixture
def msgfmt():
    if MSGFMT is None:
        if os.environ.get("CI"):
            pytest.fail("CI must check the catalogue: install gettext (msgfmt).")
        pytest.skip("msgfmt (gettext) is not installed")
    return MSGFMT


def test_the_german_catalogue_has_no_untranslated_or_fuzzy_entry(msgfmt, tmp_path):
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "de.mo"), CATALOGUE / "django.po"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert "translated messages" in result.stderr


def test_the_checked_in_mo_is_compiled_from_the_po(msgfmt, tmp_path):
    subprocess.run([msgfmt, "-o", str(tmp_path / "de.mo"), CATALOGUE / "django.po"], check=True)
    assert (tmp_path / "de.mo").read_bytes() == (CATALOGUE / "django.mo").read_bytes()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_allauth_overrides_have_no_untranslated_or_fuzzy_entry(msgfmt, tmp_path, language):
    catalogue = ALLAUTH_OVERRIDES / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", tmp_path / "x.mo", catalogue],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr
    assert "translated messages" in result.stderr


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_checked_in_allauth_mo_is_compiled_from_the_po(msgfmt, tmp_path, language):
    catalogue = ALLAUTH_OVERRIDES / language / "LC_MESSAGES"
    subprocess.run([msgfmt, "-o", tmp_path / "x.mo", catalogue / "django.po"], check=True)
    assert (tmp_path / "x.mo").read_bytes() == (catalogue / "django.mo").read_bytes()


@pytest.mark.django_db
def test_a_german_reader_gets_the_site_in_german():
    page = Client(HTTP_ACCEPT_LANGUAGE="de").get("/moderation/").text
    assert "Moderationsprotokoll" in page
    assert "Moderation log" not in page


@pytest.mark.django_db
def test_cached_pages_are_kept_apart_by_language(case):
    """Visitors' pages and the list's rows are cached: one language never leaks into another."""
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    cached = {"/": ("Noch keine Stimmen", "No votes yet")}
    cached[case.get_absolute_url()] = ("Zum Kommentieren anmelden", "Log in to comment")
    for path, (in_german, in_english) in cached.items():
        assert in_german in german.get(path).text
        page = english.get(path).text  # after the German page filled the caches
        assert in_english in page
        assert in_german not in page
        assert in_german in german.get(path).text


@pytest.mark.django_db
def test_the_language_switch_works_without_javascript_and_returns_to_the_same_page(case):
    # No token in the form: every visitor's page stays the same (and cacheable).
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    back = f"{case.get_absolute_url()}?order=new&page=1"
    page = client.get(back).text
    assert 'action="/i18n/setlang/"' in page
    assert 'name="language" value="de" lang="de"' in page
    assert "csrfmiddlewaretoken" not in page

    response = client.post("/i18n/setlang/", {"language": "de", "next": back})

    assert response.status_code == 302
    assert response["Location"] == back  # the same page, query string and all
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    german = client.get(back).text  # the cookie now outranks Accept-Language
    assert 'lang="de"' in german and "Zum Kommentieren anmelden" in german
    client.post("/i18n/setlang/", {"language": "en", "next": back})
    assert "Log in to comment" in client.get(back).text
