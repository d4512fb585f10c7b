"""One URL per page in each language (outsourcing/i18n.py): `?lang=`, canonical and hreflang
links, the language of error pages, and dates and numbers in the reader's format.

Where the German text of a new string may not be in the catalogue yet, the tests look at what
comes from Django's own German formats and month names ("1.234", "29. November 2026")."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation
from django.utils.formats import date_format, number_format

from cases.charts import chart_for
from cases.models import Case, Comment, VerdictPoint
from outsourcing.i18n import language_links
from tests.factories import CaseFactory, CommentFactory

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
A_SUNDAY = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


def head_links(page: str) -> dict[str, str]:
    """{"canonical": url, "en": url, "de": url, "x-default": url} from the page's <head>."""
    head = page.split("</head>", 1)[0]
    links = {}
    for match in re.finditer(r'<link rel="canonical" href="([^"]*)">', head):
        links["canonical"] = html.unescape(match.group(1))
    for match in re.finditer(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]*)">', head):
        links[match.group(1)] = html.unescape(match.group(2))
    return links


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


# --- canonical and alternates ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_case_page_names_itself_in_each_language(case):
    url = case.get_absolute_url()
    page = Client(**ENGLISH).get(f"{url}?order=new&page=1&utm_source=feed").text

    base = f"http://testserver{url}"
    assert head_links(page) == {
        # page=1 is the plain page; tracking parameters never choose content
        "canonical": f"{base}?order=new",
        "en": f"{base}?order=new",
        "de": f"{base}?order=new&lang=de",
        "x-default": f"{base}?order=new",
    }


@pytest.mark.django_db
def test_the_list_keeps_its_query_in_every_language(case):
    page = Client(**GERMAN).get("/?sort=top&q=call&category=&page=2").text

    links = head_links(page)
    # sorted by name, empty values left out; German is this page's language
    assert links["canonical"] == "http://testserver/?page=2&q=call&sort=top&lang=de"
    assert links["de"] == links["canonical"]
    assert links["en"] == "http://testserver/?page=2&q=call&sort=top"
    assert links["x-default"] == links["en"]
    assert html_lang(page) == "de"


@pytest.mark.django_db
def test_the_plain_list_is_english_canonical_and_x_default(case):
    links = head_links(Client(**ENGLISH).get("/").text)

    assert links == {
        "canonical": "http://testserver/",
        "en": "http://testserver/",
        "de": "http://testserver/?lang=de",
        "x-default": "http://testserver/",
    }


@pytest.mark.django_db
def test_error_pages_name_no_canonical_address():
    page = Client(**ENGLISH).get("/cases/no-such-case/")

    assert page.status_code == 404
    assert 'rel="canonical"' not in page.text
    assert "hreflang" not in page.text


# --- ?lang= ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lang_de_shows_german_for_that_request_without_a_cookie(case):
    client = Client(**ENGLISH)

    response = client.get("/?lang=de")

    assert html_lang(response.text) == "de"
    assert "Noch keine Stimmen" in response.text
    assert response["Content-Language"] == "de"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert head_links(response.text)["canonical"] == "http://testserver/?lang=de"
    # the next request without it is the reader's own language again
    after = client.get("/").text
    assert html_lang(after) == "en" and "No votes yet" in after


@pytest.mark.django_db
def test_lang_en_outranks_a_german_browser(case):
    page = Client(**GERMAN).get("/?lang=en").text

    assert html_lang(page) == "en"
    assert "No votes yet" in page
    assert head_links(page)["canonical"] == "http://testserver/"  # English: the plain address


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["xx", "", "DE", "de-at", "en,de", "<script>"])
def test_a_lang_that_is_not_a_site_language_is_ignored(case, value):
    response = Client(**ENGLISH).get("/", {"lang": value})

    assert response.status_code == 200
    assert html_lang(response.text) == "en"
    assert "No votes yet" in response.text
    assert head_links(response.text)["canonical"] == "http://testserver/"


@pytest.mark.django_db
def test_lang_de_outranks_the_language_a_signed_in_person_chose(case, user):
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client(**ENGLISH)
    client.force_login(user)

    response = client.get(f"{case.get_absolute_url()}?lang=de")

    assert html_lang(response.text) == "de"
    assert "Noch keine Kommentare. Was meinen Sie?" in response.text
    cookie = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    assert cookie is None or cookie.value != "de"  # the account's choice stays


@pytest.mark.django_db
def test_cached_pages_are_kept_apart_when_lang_picks_the_language(case):
    """The visitor's case page and the list's rows are cached by language: `?lang=` never gets
    the other language's copy, and the head (outside the cached part) names the right page."""
    url = case.get_absolute_url()
    english, german = Client(**ENGLISH), Client(**GERMAN)
    for path, in_german, in_english in [
        (url, "Zum Kommentieren anmelden", "Log in to comment"),
        ("/", "Noch keine Stimmen", "No votes yet"),
    ]:
        assert in_english in english.get(path).text  # fills the English caches
        page = english.get(path, {"lang": "de"}).text
        assert in_german in page and in_english not in page
        assert head_links(page)["canonical"].endswith("lang=de")
        page = german.get(path, {"lang": "en"}).text  # after the German copy was cached
        assert in_english in page and in_german not in page
        assert "lang=" not in head_links(page)["canonical"]


@pytest.mark.django_db
def test_the_language_switch_returns_to_the_page_without_lang(case):
    page = Client(**ENGLISH).get(f"{case.get_absolute_url()}?order=new&lang=de").text

    assert f'name="next" value="{case.get_absolute_url()}?order=new"' in page


@pytest.mark.django_db
def test_the_language_switch_keeps_the_whole_address_when_there_is_no_lang(case):
    page = Client(**ENGLISH).get(f"{case.get_absolute_url()}?order=new&page=1").text

    assert f'name="next" value="{case.get_absolute_url()}?order=new&amp;page=1"' in page


def test_language_links_escape_the_path_and_drop_only_lang():
    request = RequestFactory().get("/cases/a%3Fb/", {"lang": "de", "page": "3", "fbclid": "x"})
    links = language_links(request)

    with translation.override("de"):  # read while the page is rendered in German
        assert links.canonical == "http://testserver/cases/a%3Fb/?page=3&lang=de"
    assert links.switch_next == "/cases/a%3Fb/?page=3&fbclid=x"
    assert [code for code, _url in links.alternates] == ["en", "de", "x-default"]


# --- the language of error pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "heading"),
    [("de", "Bei uns ist etwas schiefgegangen"), ("en", "Something went wrong on our side")],
)
def test_the_500_page_is_in_the_active_language(language, heading):
    """handler500 renders 500.html with no context at all: the i18n tags give its language."""
    handler500 = get_resolver().resolve_error_handler(500)

    with translation.override(language):
        page = handler500(RequestFactory().get("/")).content.decode()

    assert html_lang(page) == language
    assert heading in page


@pytest.mark.django_db
def test_a_404_follows_lang():
    page = Client(**ENGLISH).get("/cases/no-such-case/?lang=de").text

    assert html_lang(page) == "de"
    assert "Nicht gefunden" in page


@pytest.mark.django_db
def test_a_refusal_follows_the_reader_language():
    response = Client(**GERMAN).get("/?sort=nonsense")

    assert response.status_code == 400
    assert html_lang(response.text) == "de"


# --- dates and numbers --------------------------------------------------------------------------


@pytest.mark.django_db
def test_counts_have_the_reader_thousands_separator(case):
    Case.objects.filter(pk=case.pk).update(votes_yes=1234, votes_no=1000)

    german = Client(**GERMAN).get("/").text
    english = Client(**ENGLISH).get("/").text

    assert "2.234 Stimmen" in german
    assert "2,234 votes" in english
    assert "2,234" not in german and "2.234" not in english


@pytest.mark.django_db
def test_the_case_page_counts_and_dates_in_each_language(case):
    Case.objects.filter(pk=case.pk).update(
        votes_yes=1234, closed_at=A_SUNDAY, closed_reason="final"
    )
    url = case.get_absolute_url()

    german = Client(**GERMAN).get(url).text
    english = Client(**ENGLISH).get(url).text

    assert "1.234" in german and "1,234" in english
    assert "29. November 2026" in german
    assert "29 November 2026" in english
    assert "Nov. 29" not in english  # Django's American default is not used
    # a year is a name, not a count
    assert ">2012<" in english and "2,012" not in english and "2.012" not in german


@pytest.mark.django_db
def test_comment_times_use_the_short_format_of_each_language(case, other_user):
    comment = CommentFactory(case=case, author=other_user)
    Comment.objects.filter(pk=comment.pk).update(created_at=A_SUNDAY)

    english = Client(**ENGLISH).get(case.get_absolute_url()).text
    german = Client(**GERMAN).get(case.get_absolute_url()).text

    assert "29 Nov 2026, 14:05" in english
    assert "29.11.2026 14:05" in german


@pytest.mark.django_db
def test_a_source_date_follows_the_language(case):
    case.sources.create(title="A post", published=A_SUNDAY.date(), language="de")

    assert "(29 November 2026)" in Client(**ENGLISH).get(case.get_absolute_url()).text
    assert "(29. November 2026)" in Client(**GERMAN).get(case.get_absolute_url()).text


def test_format_names_give_each_language_its_order():
    with translation.override("en"):
        assert date_format(A_SUNDAY, "DATE_FORMAT") == "29 November 2026"
        assert date_format(A_SUNDAY, "DATETIME_FORMAT") == "29 November 2026, 14:05"
        assert date_format(A_SUNDAY, "SHORT_DATETIME_FORMAT") == "29 Nov 2026, 14:05"
        assert number_format(1234) == "1,234"
    with translation.override("de"):
        assert date_format(A_SUNDAY, "DATE_FORMAT") == "29. November 2026"
        assert date_format(A_SUNDAY, "SHORT_DATETIME_FORMAT") == "29.11.2026 14:05"
        assert number_format(1234) == "1.234"


# --- numbers that are not for reading keep no separator ----------------------------------------


@pytest.mark.django_db
def test_ids_and_lengths_in_attributes_are_never_localised(client, other_user, user):
    case = CaseFactory(pk=12345, slug="big-ids")
    comment = CommentFactory(pk=23456, case=case, author=other_user)
    client.force_login(user)

    for language in ("en", "de"):
        pages = [
            client.get(case.get_absolute_url(), {"lang": language}).text,
            client.get(f"/comments/{comment.pk}/flag/", {"lang": language}).text,
            client.get(f"/comments/{comment.pk}/reply/", {"lang": language}).text,
        ]
        for page in pages:
            assert "23456" in page
            assert not re.search(r"12[,.]345|23[,.]456|10[,.]000|2[,.]012", page)


@pytest.mark.django_db
def test_the_review_queue_keeps_ids_and_lengths_plain(curator_client, user):
    CaseFactory(pk=12345, slug="pending-big", status=Case.Status.PENDING, proposer=user, year=2012)
    Case.objects.filter(pk=12345).update(submitted_at=A_SUNDAY)

    page = curator_client.get("/curate/", {"lang": "de"}).text

    assert 'id="proposal-12345"' in page
    assert 'maxlength="2000"' in page
    assert "29. November 2026" in page
    assert not re.search(r"12[,.]345|2[,.]000|2[,.]012", page)


# --- the chart ----------------------------------------------------------------------------------


def _long_history(case, events=1200):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    buckets = events // 5
    VerdictPoint.objects.bulk_create(
        VerdictPoint(
            case=case,
            bucket=bucket,
            events=(bucket + 1) * 5,
            votes=1500,
            yes=round(1500 * bucket / (buckets - 1)),
            at=start + timedelta(hours=bucket),  # 1 to 10 January 2026
        )
        for bucket in range(buckets)
    )
    Case.objects.filter(pk=case.pk).update(event_count=events, votes_yes=1500)
    case.refresh_from_db()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "dates", "first_day", "votes"),
    [
        ("en", ["1 Jan 2026", "10 Jan 2026"], "1 January 2026", "1,500"),
        ("de", ["01.01.2026", "10.01.2026"], "1. Januar 2026", "1.500"),
    ],
)
def test_the_chart_reads_in_each_language_and_draws_the_same(
    case, language, dates, first_day, votes
):
    _long_history(case)
    chart = chart_for(case)

    with translation.override(language):
        svg = render_to_string("cases/_verdict_chart.html", {"chart": chart})

    labels = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert labels[-3:-1] == dates  # the x-axis: the first and the latest point's dates
    description = re.search(r"<desc [^>]*>([^<]*)</desc>", svg).group(1)
    assert f"{votes} " in description
    assert first_day in description
    # attributes stay plain numbers
    assert 'viewBox="-34 -8 342 140"' in svg
    assert re.search(r'<text class="verdict-chart-axis-last" x="300" y="112"', svg)
    points = re.search(r'points="([^"]+)"', svg).group(1)
    assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", points)
