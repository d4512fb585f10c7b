"""The seed cases' sources can be followed (cases/seed/cases.json): Bob's case cites the
original case study and the two news reports with their links, every other source says that no
link is known, and the cases that are a blogger's own example say so in both languages."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from cases.models import Case
from cases.seeding import SEED_FILE, TRANSLATION_FILES

pytestmark = pytest.mark.django_db

BOB = "developer-outsources-his-own-job"
REPORTS = {
    # the original case study, as the Internet Archive keeps it
    "securityblog.verizonbusiness.com/2013/01/14/case-study-pro-active-log-review": "2013-01-14",
    "https://phys.org/news/2013-01-software-outsources-job-china.html": "2013-01-17",  # AFP
    "https://www.scmp.com/news/china/article/1130014/": "2013-01-17",
}
# Seed cases that no source documents as an event: the posts' own examples, a thought
# experiment, a general debate, a first-hand recollection.
OWN_EXAMPLES = [
    "social-media-know-how-in-house-or-agency",
    "call-center-customer-satisfaction-survey",
    "permanent-customer-care-to-call-center",
    "recruiting-handed-to-an-agency",
    "corporation-splits-customer-care-across-contractors",
    "central-breakdown-dispatch-for-all-auto-clubs",
]
SAYS_SO = {"en": "Not a documented event:", "de": "Kein belegtes Ereignis:"}


@pytest.fixture
def seeded(db):
    call_command("seed_cases", stdout=StringIO())


def seed_cases() -> dict[str, dict]:
    return {case["slug"]: case for case in json.loads(SEED_FILE.read_text())["cases"]}


def german_seed_cases() -> dict[str, dict]:
    return json.loads(TRANSLATION_FILES["de"].read_text())["cases"]


def source_items(html: str) -> list[str]:
    section = re.search(r'<section aria-labelledby="sources-heading".*?</section>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", section.group(0), re.S)


def test_bobs_case_cites_the_case_study_and_both_reports_with_links(seeded):
    bob = Case.objects.get(slug=BOB)
    sources = list(bob.sources.all())

    for link, published in REPORTS.items():
        [source] = [source for source in sources if link in source.url]
        assert source.url.startswith("https://"), source.url
        assert source.published.isoformat() == published
        assert source.language == "en"
    authors = " ".join(source.author for source in sources)
    outlets = " ".join(source.outlet for source in sources)
    assert "Andrew Valentine" in authors and "Verizon" in authors
    assert "AFP" in outlets and "South China Morning Post" in outlets
    # The German post the case was first retold from stays.
    assert bob.sources.filter(language="de", url="").exists()


def test_bobs_story_says_which_report_each_fact_comes_from():
    english, german = seed_cases()[BOB], german_seed_cases()[BOB]
    for words in ["According to Verizon", "Andrew Valentine", "AFP", "$50,000", "other companies"]:
        assert words in english["story"], words
    assert "South China Morning Post" in english["story"]
    assert '"critical infrastructure"' in english["story"]
    for words in [
        "Laut Verizon",
        "Andrew Valentine",
        "AFP",
        "50.000 Dollar",
        "anderen Unternehmen",
    ]:
        assert words in german["story"], words
    assert "South China Morning Post" in german["story"]
    assert "„kritischen Infrastruktur“" in german["story"]
    assert "AFP" in english["outcome"] and "AFP" in german["outcome"]


def test_every_seed_source_has_a_link_or_says_none_is_known(seeded, client):
    for case in Case.objects.prefetch_related("sources"):
        items = source_items(client.get(case.get_absolute_url()).text)
        assert len(items) == case.sources.count(), case.slug
        for source, item in zip(case.sources.all(), items, strict=True):
            if source.url:
                assert f'href="{source.url}"' in item, source.title
                assert "no link known" not in item
            else:
                assert "(no link known)" in item, source.title


@pytest.mark.parametrize("slug", OWN_EXAMPLES)
def test_a_bloggers_own_example_says_so_first_in_both_languages(slug, seeded, client):
    english, german = seed_cases()[slug], german_seed_cases()[slug]
    assert english["story"].startswith(f"**{SAYS_SO['en']}**")
    assert german["story"].startswith(f"**{SAYS_SO['de']}**")
    assert bool(english["outcome"]) == bool(german["outcome"])

    url = Case.objects.get(slug=slug).get_absolute_url()
    assert f"<strong>{SAYS_SO['en']}</strong>" in client.get(url).text
    assert f"<strong>{SAYS_SO['de']}</strong>" in client.get(f"{url}?lang=de").text


def test_the_documented_case_does_not_say_so(seeded, client):
    url = Case.objects.get(slug=BOB).get_absolute_url()
    assert SAYS_SO["en"] not in client.get(url).text
    assert SAYS_SO["de"] not in client.get(f"{url}?lang=de").text
    assert set(seed_cases()) == {BOB, *OWN_EXAMPLES}
