"""What search engines and shared links read (cases/seo.py, templates/_head_meta.html) and
what crawlers are given (cases/sitemaps.py): descriptions in the reader's language, Open Graph
and Twitter tags with absolute addresses, robots.txt and sitemap.xml."""

import re
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.timezone import localtime

from cases import services
from cases.models import Case
from cases.seo import IMAGE, IMAGE_SIZE, shorten, verdict_text
from cases.services.translations import save_case_translation
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver"
GERMAN_LIST_DESCRIPTION = "Echte Outsourcing-Entscheidungen. Lesen Sie, was passiert ist"
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, list[str]] = {}
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "meta" and self.in_head:
            key = values.get("property") or values.get("name")
            if key:
                self.tags.setdefault(key, []).append(values.get("content", ""))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def meta_of(html: str) -> dict[str, str]:
    """The <head>'s meta tags by name or property (the first of each; og:locale:alternate
    may repeat)."""
    parser = _Meta()
    parser.feed(html)
    return {key: values[0] for key, values in parser.tags.items()}


def canonical_of(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


@pytest.fixture
def translated(db):
    case = CaseFactory(
        slug="payroll-bureau",
        title="Payroll goes to a service bureau",
        decision="Payroll → a service bureau",
        summary="A small firm hands its payroll to a bureau and stops worrying about tax forms.",
    )
    save_case_translation(
        case=case,
        language="de",
        title="Die Lohnabrechnung geht an ein Servicebüro",
        decision="Lohnabrechnung → ein Servicebüro",
        summary="Eine kleine Firma gibt ihre Lohnabrechnung an ein Büro ab.",
        story="Die Firma hatte **eine** Buchhalterin.",
        outcome="",
    )
    return Case.objects.get(pk=case.pk)


def votes(case, yes=0, no=0, depends=0):
    for choice, count in (("yes", yes), ("no", no), ("depends", depends)):
        for voter in UserFactory.create_batch(count):
            services.cast_vote(user=voter, case=case, choice=choice)
    return Case.objects.get(pk=case.pk)


# --- descriptions ------------------------------------------------------------------------------


def test_the_list_describes_the_site_in_each_language(client):
    english = meta_of(client.get("/").text)
    german = meta_of(client.get("/?lang=de").text)

    assert english["description"].startswith("Real outsourcing decisions. Read what happened")
    assert german["description"].startswith(GERMAN_LIST_DESCRIPTION)
    assert english["og:title"] == "Did it make sense?"
    assert german["og:title"] == "War es sinnvoll?"
    assert english["og:locale"] == "en_US" and german["og:locale"] == "de_DE"


def test_a_case_page_describes_the_case_by_its_summary_in_each_language(client, translated):
    url = translated.get_absolute_url()
    for _ in range(2):  # rendered, then from the page cache
        english = meta_of(client.get(url).text)
        german = meta_of(client.get(f"{url}?lang=de").text)
        assert english["description"] == translated.summary
        assert german["description"] == "Eine kleine Firma gibt ihre Lohnabrechnung an ein Büro ab."
        assert english["og:title"] == "Payroll goes to a service bureau"
        assert german["og:title"] == "Die Lohnabrechnung geht an ein Servicebüro"
        assert german["og:description"].startswith("Lohnabrechnung → ein Servicebüro · ")
        assert german["og:type"] == "article"


def test_a_signed_in_german_reader_gets_the_german_head(client, translated, user):
    client.force_login(user)
    page = client.get(translated.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").text
    tags = meta_of(page)
    assert tags["description"] == "Eine kleine Firma gibt ihre Lohnabrechnung an ein Büro ab."
    assert tags["twitter:title"] == "Die Lohnabrechnung geht an ein Servicebüro"


def test_a_cached_german_case_page_reads_no_translation_for_its_head(translated):
    german = Client(HTTP_ACCEPT_LANGUAGE="de")
    url = translated.get_absolute_url()
    german.get(url)  # renders and caches the page and its head texts
    with CaptureQueriesContext(connection) as queries:
        tags = meta_of(german.get(url).text)
    assert tags["og:title"] == "Die Lohnabrechnung geht an ein Servicebüro"
    assert not [q for q in queries.captured_queries if "translation" in q["sql"]]


def test_a_long_summary_is_cut_after_a_word(client):
    case = CaseFactory(summary="A firm, " + "outsourcing " * 60)
    description = meta_of(client.get(case.get_absolute_url()).text)["description"]
    assert len(description) <= 300 and description.endswith(" outsourcing…")


@pytest.mark.parametrize(
    "text, length, cut",
    [
        ("Short enough.", 13, "Short enough."),
        ("One two three", 13, "One two three"),
        ("One two three four", 13, "One two…"),
        ("One two, three four", 13, "One two…"),
        ("One   two\nthree", 13, "One two three"),
        ("Onetwothreefour", 9, "Onetwoth…"),
    ],
)
def test_shorten_cuts_after_a_whole_word(text, length, cut):
    assert shorten(text, length) == cut


@pytest.mark.parametrize(
    "path, title",
    [("/rule-of-thumb/", "The rule of thumb"), ("/moderation/", "Moderation log")],
)
def test_other_public_pages_have_a_title_and_description_of_their_own(client, path, title):
    tags = meta_of(client.get(path).text)
    assert tags["og:title"] == title
    assert (
        tags["description"] and tags["description"] != meta_of(client.get("/").text)["description"]
    )


def test_a_profile_is_described_by_its_name(client, user):
    tags = meta_of(client.get(reverse("profile", args=[user.username])).text)
    assert tags["og:title"] == user.username
    assert user.username in tags["description"]


# --- Open Graph and Twitter --------------------------------------------------------------------


def test_a_case_page_shares_its_decision_and_verdict_with_absolute_addresses(client, case):
    case = votes(case, yes=2, no=1)
    page = client.get(case.get_absolute_url()).text
    tags = meta_of(page)

    assert tags["og:title"] == tags["twitter:title"] == case.title
    assert tags["og:description"] == (
        f"{case.decision} · 67 % made sense · 3 votes · too close to call"
    )
    assert tags["twitter:description"] == tags["og:description"]
    assert tags["og:url"] == canonical_of(page) == f"{BASE}{case.get_absolute_url()}"
    assert tags["og:image"] == tags["twitter:image"]
    assert tags["og:image"].startswith(f"{BASE}/static/") and tags["og:image"].endswith(".png")
    assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
    assert tags["og:image:alt"] == tags["twitter:image:alt"] != ""
    assert tags["twitter:card"] == "summary_large_image"
    assert "robots" not in tags


def test_the_shared_image_is_a_1200_by_630_png_among_the_static_files():
    data = Path(finders.find(IMAGE)).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    assert struct.unpack(">II", data[16:24]) == IMAGE_SIZE


@pytest.mark.parametrize(
    "counts, text",
    [
        ((0, 0, 0), "No votes yet"),
        ((1, 0, 0), "100 % made sense · 1 vote · too close to call"),
        ((1, 3, 0), "75 % did not make sense · 4 votes · too close to call"),
        ((1, 1, 2), "50 % said it depends · 4 votes · too close to call"),
        ((6, 6, 0), "50 % made sense · 50 % did not make sense · 12 votes · too close to call"),
        ((2, 9, 1), "75 % did not make sense · 12 votes"),
        ((700, 300, 234), "57 % made sense · 1,234 votes"),
    ],
)
def test_the_verdict_as_text(counts, text):
    case = Case(votes_yes=counts[0], votes_no=counts[1], votes_depends=counts[2], blind_mode=False)
    assert verdict_text(case) == text


def test_a_blind_cases_shared_text_names_no_shares():
    case = Case(votes_yes=700, votes_no=300, votes_depends=234, blind_mode=True)
    assert verdict_text(case) == "1,234 votes · vote before you see the verdict"


def test_a_curators_preview_of_a_draft_is_not_indexed(curator_client, draft_case):
    tags = meta_of(curator_client.get(draft_case.get_absolute_url()).text)
    assert tags["robots"] == "noindex"


def test_search_results_are_not_indexed(client, case):
    assert meta_of(client.get("/", {"q": "call"}).text)["robots"] == "noindex"
    assert "robots" not in meta_of(client.get("/").text)


def test_an_error_page_has_a_description_and_nothing_to_share(client):
    response = client.get("/cases/no-such-case/")
    tags = meta_of(response.text)
    assert response.status_code == 404
    assert tags["robots"] == "noindex" and tags["description"]
    assert not [key for key in tags if key.startswith(("og:", "twitter:"))]


# --- robots.txt --------------------------------------------------------------------------------


def robots_rules(client) -> tuple[list[str], list[str]]:
    lines = client.get("/robots.txt").text.splitlines()
    return lines, [line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")]


def blocked(path: str, rules: list[str]) -> bool:
    """robots.txt's matching (RFC 9309): a rule is a prefix, `*` any run of characters."""
    return any(re.match(".*".join(map(re.escape, rule.split("*"))), path) for rule in rules)


def test_robots_txt_is_plain_text_for_every_crawler_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines, _rules = robots_rules(client)
    assert lines[0] == "User-agent: *"
    assert lines[-1] == f"Sitemap: {BASE}/sitemap.xml"
    assert "Allow: /" not in lines and "Disallow: /" not in lines


def test_robots_txt_keeps_crawlers_out_of_private_pages_and_forms(client, case, comment):
    _lines, rules = robots_rules(client)
    slug, number = case.slug, comment.pk
    for path in [
        "/admin/",
        "/admin/cases/case/",
        "/curate/",
        f"/curate/cases/{slug}/publish/",
        "/accounts/login/",
        "/accounts/signup/",
        "/account/",
        "/i18n/setlang/",
        "/users/me/perspective/",
        "/cases/new/",
        f"/cases/{slug}/edit/",
        f"/cases/{slug}/vote/",
        f"/cases/{slug}/changed-mind/",
        f"/cases/{slug}/comments/",
        f"/comments/{number}/reply/",
        f"/comments/{number}/edit/",
        f"/comments/{number}/delete/",
        f"/comments/{number}/vote/",
        f"/comments/{number}/flag/",
    ]:
        assert blocked(path, rules), path


def test_robots_txt_lets_crawlers_read_every_public_page(client, case, user):
    _lines, rules = robots_rules(client)
    for path in [
        "/",
        "/?category=customer-care&sort=top",
        case.get_absolute_url(),
        f"{case.get_absolute_url()}?lang=de",
        "/rule-of-thumb/",
        "/moderation/",
        reverse("profile", args=[user.username]),
        "/sitemap.xml",
    ]:
        assert not blocked(path, rules), path


# --- sitemap.xml -------------------------------------------------------------------------------


def sitemap_entries(client) -> dict[str, dict]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.findall("s:url", SITEMAP_NS):
        alternates = {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP_NS)
        }
        lastmod = url.find("s:lastmod", SITEMAP_NS)
        entries[url.find("s:loc", SITEMAP_NS).text] = {
            "lastmod": lastmod.text if lastmod is not None else None,
            "alternates": alternates,
        }
    return entries


def test_the_sitemap_lists_published_cases_only_in_every_language(client, case):
    CaseFactory(slug="a-draft", draft=True)
    CaseFactory(slug="an-archived-one", archived=True)
    CaseFactory(slug="pending", status=Case.Status.PENDING)

    entries = sitemap_entries(client)

    cases = sorted(loc for loc in entries if "/cases/" in loc)
    plain = f"{BASE}/cases/{case.slug}/"
    assert cases == [plain, f"{plain}?lang=de"]
    assert entries[plain]["lastmod"] == localtime(case.updated_at).date().isoformat()
    assert entries[plain]["alternates"] == {
        "en": plain,
        "de": f"{plain}?lang=de",
        "x-default": plain,
    }
    assert entries[f"{plain}?lang=de"]["alternates"] == entries[plain]["alternates"]


def test_the_sitemap_names_the_list_and_the_rule_of_thumb(client, db):
    entries = sitemap_entries(client)
    for path in ("/", "/rule-of-thumb/"):
        assert f"{BASE}{path}" in entries and f"{BASE}{path}?lang=de" in entries
