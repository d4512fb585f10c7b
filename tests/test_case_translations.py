"""A case in the reader's language: the original columns plus one CaseTranslation per other
language; the note when a language is missing; proposals in either language."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from cases.models import Case, CaseTranslation, CategoryTranslation
from cases.services.translations import save_case_translation, save_category_translation
from tests.factories import CaseFactory, CategoryFactory

ONLY_ENGLISH_DE = "Diesen Fall gibt es nur auf Englisch."
ONLY_GERMAN_EN = "This case is only available in German."
ONLY_ENGLISH_EN = "This case is only available in English."


def german() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="de")


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def titles_in(html: str) -> list[str]:
    return re.findall(r'<a href="/cases/[^"]+/">([^<]+)</a>', html)


def translate(case: Case, **texts) -> CaseTranslation:
    defaults = {
        "title": "Eine Firma gibt ihren Kundendienst ab",
        "decision": "Kundendienst → externes Callcenter",
        "summary": "Eine Firma überlässt ihren Kundendienst einem Callcenter.",
        "story": "Die Firma hatte **fünfzehn** Leute am Telefon.",
        "outcome": "Die Kunden wanderten ab.",
    }
    return save_case_translation(case=case, language="de", **{**defaults, **texts})


@pytest.fixture
def translated(db):
    case = CaseFactory(title="A firm hands off its customer care", outcome="Customers left.")
    translate(case)
    return case


# --- reading -----------------------------------------------------------------------------------


def test_a_german_reader_reads_the_translation_on_the_list_and_the_page(translated):
    listing = german().get("/").text
    assert "Eine Firma gibt ihren Kundendienst ab" in titles_in(listing)
    assert "A firm hands off its customer care" not in listing

    page = german().get(translated.get_absolute_url()).text
    assert "Eine Firma überlässt ihren Kundendienst einem Callcenter." in page
    assert "<strong>fünfzehn</strong>" in page  # the translated story, rendered when written
    assert "Die Kunden wanderten ab." in page
    assert "fifteen" not in page
    assert ONLY_ENGLISH_DE not in page


def test_an_english_reader_reads_the_original(translated):
    page = english().get(translated.get_absolute_url()).text
    assert "A firm hands off its customer care" in page
    assert "<strong>fifteen</strong>" in page
    assert "Kundendienst" not in page
    assert ONLY_GERMAN_EN not in page


def test_a_case_without_german_is_shown_in_english_with_a_german_note(db):
    case = CaseFactory(title="Only written in English")
    page = german().get(case.get_absolute_url()).text
    assert "Only written in English" in page
    assert ONLY_ENGLISH_DE in page
    assert '<header class="case-header" lang="en">' in page  # screen readers switch voice
    assert "nur auf Englisch" in german().get("/").text  # the list row says so too


def test_a_case_written_in_german_is_shown_to_english_readers_with_the_reverse_note(db):
    case = CaseFactory(language="de", title="Nur auf Deutsch geschrieben")
    page = english().get(case.get_absolute_url()).text
    assert "Nur auf Deutsch geschrieben" in page
    assert ONLY_GERMAN_EN in page
    assert '<header class="case-header" lang="de">' in page
    german_page = german().get(case.get_absolute_url()).text
    assert ONLY_ENGLISH_DE not in german_page
    assert "Diesen Fall gibt es nur auf Deutsch." not in german_page


def test_categories_are_named_in_the_readers_language(translated):
    save_category_translation(
        category=translated.category, language="de", name="Kundenbetreuung", description="…"
    )
    listing = german().get("/").text
    assert ">Kundenbetreuung</a>" in listing  # the row's badge
    assert ">Kundenbetreuung</option>" in listing  # the filter
    assert translated.category.name not in listing
    assert translated.category.name in english().get("/").text


def test_a_new_translation_shows_at_once_on_cached_pages(translated):
    url = translated.get_absolute_url()
    assert "Eine Firma gibt ihren Kundendienst ab" in german().get(url).text
    assert "Eine Firma gibt ihren Kundendienst ab" in german().get("/").text
    translate(translated, title="Neuer deutscher Titel")
    assert "Neuer deutscher Titel" in german().get(url).text
    assert "Neuer deutscher Titel" in german().get("/").text


def test_comment_pages_name_the_case_in_the_readers_language(translated, comment, user):
    comment.case = translated
    comment.save(update_fields=["case"])
    client = german()
    client.force_login(user)
    page = client.get(f"/comments/{comment.pk}/reply/").text
    assert "Eine Firma gibt ihren Kundendienst ab" in page
    assert "A firm hands off its customer care" not in page


# --- searching (both databases: SQLite looks in the translations too) -------------------------


def test_a_german_query_finds_a_case_by_its_translation(translated):
    CaseFactory(title="Something else")
    listing = german().get("/", {"q": "Callcenter überlässt"}).text
    assert titles_in(listing) == ["Eine Firma gibt ihren Kundendienst ab"]
    assert "<mark>überlässt</mark>" in listing  # the headline is the summary the reader sees
    # An English reader finds it by the same German words and reads it in English.
    assert titles_in(english().get("/", {"q": "überlässt"}).text) == [translated.title]


# --- writing -----------------------------------------------------------------------------------


def test_a_translation_into_the_original_language_is_refused(db):
    case = CaseFactory()
    with pytest.raises(ValidationError):
        save_case_translation(
            case=case, language="en", title="t", decision="d", summary="s", story=""
        )
    with pytest.raises(ValidationError):
        save_case_translation(
            case=case, language="fr", title="t", decision="d", summary="s", story=""
        )
    assert not CaseTranslation.objects.exists()


def test_saving_again_replaces_the_translation(translated):
    translate(translated, title="Zweiter Titel")
    assert list(translated.translations.values_list("title", flat=True)) == ["Zweiter Titel"]


def test_one_translation_per_case_and_language_in_the_database(translated):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTranslation.objects.create(case=translated, language="de", title="x", decision="x")


def test_languages_outside_the_sites_are_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(language="fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        CategoryTranslation.objects.create(category=CategoryFactory(), language="xx", name="x")


def test_saving_a_translation_moves_the_cases_updated_at(db):
    case = CaseFactory()
    before = Case.objects.get(pk=case.pk).updated_at
    translate(case)
    assert Case.objects.get(pk=case.pk).updated_at > before
    assert timezone.now() >= Case.objects.get(pk=case.pk).updated_at


def test_a_profile_names_the_cases_in_the_readers_language(translated, comment, vote):
    comment.case = translated
    comment.save(update_fields=["case"])
    vote(comment.author, translated, "yes")
    page = german().get(comment.author.get_absolute_url()).text
    assert page.count("Eine Firma gibt ihren Kundendienst ab") == 2  # the vote and the comment
    assert "A firm hands off its customer care" not in page


# --- cost: the overlay reads only the rows shown, and only when it renders them ----------------


def test_the_list_counts_and_sorts_without_the_translations(translated, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    CaseFactory.create_batch(3)
    with CaptureQueriesContext(connection) as german_queries:
        german().get("/?sort=top")
    sqls = [query["sql"] for query in german_queries.captured_queries]
    assert not [sql for sql in sqls if "COUNT" in sql and "casetranslation" in sql]
    assert not [sql for sql in sqls if "ORDER BY" in sql and "casetranslation" in sql]
    reads = [sql for sql in sqls if '"cases_casetranslation"' in sql]
    assert len(reads) == 1 and '"case_id" IN (' in reads[0]  # the shown rows' ids only

    with CaptureQueriesContext(connection) as cached:
        german().get("/?sort=top")  # the rows are cached now: no translation read at all
    assert not [q for q in cached.captured_queries if "casetranslation" in q["sql"]]


def test_an_english_reader_of_english_cases_reads_no_translation(translated):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        english().get("/")
        english().get(translated.get_absolute_url())
    # (The category filter names the few categories with a join of its own.)
    assert not [q for q in queries.captured_queries if "casetranslation" in q["sql"]]


def test_a_cached_case_page_keeps_its_title_in_each_language_and_reads_no_translation(
    translated,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = translated.get_absolute_url()
    german().get(url)  # renders and caches the German page
    english().get(url)
    with CaptureQueriesContext(connection) as queries:
        page = german().get(url).text
    assert "<title>Eine Firma gibt ihren Kundendienst ab ·" in page
    assert not [q for q in queries.captured_queries if "translation" in q["sql"]]
    assert "<title>A firm hands off its customer care ·" in english().get(url).text


def test_a_signed_in_reader_gets_the_case_in_german(translated, user):
    client = german()
    client.force_login(user)
    page = client.get(translated.get_absolute_url()).text
    assert "<title>Eine Firma gibt ihren Kundendienst ab ·" in page
    assert "Eine Firma überlässt ihren Kundendienst einem Callcenter." in page
