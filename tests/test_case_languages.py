"""Proposals in either language, the curator's view of it, the German seed texts, the admin's
translation rows and German stemming on PostgreSQL."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from cases.models import Case, CaseTranslation, Category, CategoryTranslation
from cases.services.translations import save_case_translation
from tests.conftest import HTMX
from tests.factories import CaseFactory
from tests.helpers_proposals import post_data, proposal

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="stemming is PostgreSQL's")
SEED_COUNT = 7


# --- proposals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_proposal_written_in_german_is_stored_as_german(user_client, category, headers):
    data = post_data(category, language="de", title="Ein Entwickler lagert seine Arbeit aus")
    response = user_client.post("/cases/new/", data, **headers)
    assert response.status_code in (200, 302)
    assert Case.objects.get().language == "de"


def test_the_form_offers_the_readers_language_first(user_client, user, category):
    german = user_client.get("/cases/new/", HTTP_ACCEPT_LANGUAGE="de").text
    assert re.search(r'<option value="de" selected>', german)
    english = user_client.get("/cases/new/", HTTP_ACCEPT_LANGUAGE="en").text
    assert re.search(r'<option value="en" selected>', english)


def test_a_proposal_without_a_language_takes_the_readers(user_client, category):
    data = post_data(category)
    user_client.post("/cases/new/", data, HTTP_ACCEPT_LANGUAGE="de")
    assert Case.objects.get().language == "de"


def test_an_unknown_language_is_a_form_error_that_keeps_the_text(user_client, category):
    data = post_data(category, language="fr", summary="Mein getippter Text")
    response = user_client.post("/cases/new/", data)
    assert response.status_code == 200
    assert "Mein getippter Text" in response.text
    assert not Case.objects.exists()


def test_the_curator_sees_which_language_a_proposal_is_written_in(curator_client, user):
    proposal(user, language="de", title="Auf Deutsch vorgeschlagen")
    proposal(user, title="Proposed in English")
    page = curator_client.get("/curate/", HTTP_ACCEPT_LANGUAGE="en").text
    assert page.count("Written in German") == 1
    assert page.count("Written in English") == 1


# --- the seed ----------------------------------------------------------------------------------


@pytest.fixture
def seeded(db):
    call_command("seed_cases", stdout=StringIO())


def test_every_seed_case_and_category_has_its_german_text(seeded):
    assert CaseTranslation.objects.filter(language="de").count() == SEED_COUNT
    assert CategoryTranslation.objects.filter(language="de").count() == Category.objects.count()
    for translation in CaseTranslation.objects.select_related("case"):
        case = translation.case
        assert translation.title != case.title
        assert translation.summary and translation.decision
        assert bool(translation.outcome) == bool(case.outcome), case.slug
        assert 120 <= len(translation.story.split()) <= 450, case.slug
        assert translation.story_html.startswith("<p>")


def test_seeding_again_adds_no_translation(seeded):
    out = StringIO()
    call_command("seed_cases", stdout=out)
    assert "0 translations added" in out.getvalue()
    assert CaseTranslation.objects.count() == SEED_COUNT


def test_the_seed_cases_read_in_german(seeded, client):
    bob = Case.objects.get(slug="developer-outsources-his-own-job")
    page = client.get(bob.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").text
    assert "Ein Entwickler lagert heimlich seine eigene Arbeit nach China aus" in page
    assert "Softwareentwicklung" in page
    assert bob.title not in page


# --- the admin ---------------------------------------------------------------------------------


def test_the_admin_saves_a_translation_with_its_story_rendered(curator_client, case):
    url = f"/admin/cases/case/{case.pk}/change/"
    form = curator_client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields
    }
    data.update(
        {
            "category": case.category_id,
            "status": case.status,
            "year": case.year,
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-0-language": "de",
            "translations-0-title": "Deutscher Titel",
            "translations-0-decision": "Entscheidung",
            "translations-0-summary": "Zusammenfassung",
            "translations-0-story": "Ein **fetter** Satz.",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        }
    )
    for key in ("frequency",):
        data.setdefault(key, "")
    response = curator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    translation = CaseTranslation.objects.get(case=case)
    assert translation.story_html == "<p>Ein <strong>fetter</strong> Satz.</p>"


def test_the_admin_refuses_a_translation_in_the_original_language(curator_client, case):
    url = f"/admin/cases/case/{case.pk}/change/"
    form = curator_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        {
            "category": case.category_id,
            "translations-TOTAL_FORMS": "1",
            "translations-INITIAL_FORMS": "0",
            "translations-0-language": "en",
            "translations-0-title": "Same language",
            "translations-0-decision": "d",
            "translations-0-summary": "s",
            "translations-0-story": "s",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
        }
    )
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert "This is the language it is written in" in response.text
    assert not CaseTranslation.objects.exists()


# --- PostgreSQL: each language stemmed by its own rules -----------------------------------------


@postgresql_only
@pytest.mark.parametrize("query", ["Kunden", "Kunde", "kundin", "Datenschutz"])
def test_german_words_are_stemmed_by_german_rules(client, db, query):
    case = CaseFactory(title="Customer care", summary="A firm.", story="Plain text.")
    save_case_translation(
        case=case,
        language="de",
        title="Kundendienst",
        decision="Kunde → Callcenter",
        summary="Jede Kundin und jeder Kunde ruft an.",
        story="Es ging um den Datenschutz der Kundendaten.",
    )
    CaseFactory(title="Unrelated", summary="Nothing.", story="Nothing.")
    listing = client.get("/", {"q": query}, HTTP_ACCEPT_LANGUAGE="de").text
    assert re.findall(r'<a href="/cases/([^"/]+)/">', listing).count(case.slug) == 1
    assert "Unrelated" not in listing


@postgresql_only
def test_english_words_keep_english_stemming(client, db):
    CaseFactory(title="Data protection", summary="The data was protected.")
    listing = client.get("/", {"q": "protection"}).text
    assert "Data protection" in listing


@postgresql_only
def test_a_changed_translation_changes_the_search_document(db):
    case = CaseFactory(title="Customer care")
    save_case_translation(
        case=case, language="de", title="Kunden", decision="d", summary="s", story=""
    )
    assert Case.objects.search("Kunde").filter(pk=case.pk).exists()
    save_case_translation(
        case=case, language="de", title="Lieferanten", decision="d", summary="s", story=""
    )
    assert not Case.objects.search("Kunde").filter(pk=case.pk).exists()
    CaseTranslation.objects.filter(case=case).delete()
    assert not Case.objects.search("Lieferant").filter(pk=case.pk).exists()
