"""Search on the list page (full-text on PostgreSQL, word matching on SQLite) and the
`top` and `divided` orders. Runs on both databases; PostgreSQL-only behaviour is marked."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from cases.models import Case
from cases.querysets import DIVIDED_MIN_VOTES
from cases.search import highlight
from tests.factories import CaseFactory, UserFactory

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="ranking and the GIN index exist only on PostgreSQL"
)

BOB = "developer-outsources-his-own-job"
CUSTOMER_CARE = "permanent-customer-care-to-call-center"


def slugs_in(response) -> list[str]:
    return re.findall(r'<h2 class="h5 mb-1"><a href="/cases/([^/"]+)/">', response.text)


def titles_in(response) -> list[str]:
    return re.findall(r'<h2 class="h5 mb-1"><a href="[^"]+">([^<]+)</a>', response.text)


def headlines_in(response) -> list[str]:
    return re.findall(r'<p class="mb-1 small search-headline">(.*?)</p>', response.text, re.S)


@pytest.fixture
def seeded(db):
    call_command("seed_cases", stdout=StringIO())


@pytest.fixture
def voters(db):
    return UserFactory.create_batch(10)


def cast(vote, voters, case, yes=0, no=0, depends=0):
    choices = ["yes"] * yes + ["no"] * no + ["depends"] * depends
    for voter, choice in zip(voters, choices, strict=False):
        vote(voter, case, choice)


# --- finding the seed cases ---------------------------------------------------------------


def test_vpn_china_finds_bobs_case_first(client, seeded):
    response = client.get("/", {"q": "VPN China"})
    assert response.status_code == 200
    assert slugs_in(response)[0] == BOB


@pytest.mark.parametrize("query", ["datenschutz", "Datenschutz", "data protection"])
def test_data_protection_in_english_or_german_finds_the_customer_care_case(client, seeded, query):
    slugs = slugs_in(client.get("/", {"q": query}))
    assert CUSTOMER_CARE in slugs
    if ON_POSTGRESQL:
        assert slugs[0] == CUSTOMER_CARE


def test_seeded_cases_carry_extra_search_words(seeded):
    assert all(case.search_terms for case in Case.objects.all())
    assert "Datenschutz" in Case.objects.get(slug=CUSTOMER_CARE).search_terms


def test_search_terms_are_searched(client, db):
    CaseFactory(title="Hotline", search_terms="Kundendienst Callcenter")
    CaseFactory(title="Other")
    assert titles_in(client.get("/", {"q": "kundendienst"})) == ["Hotline"]


def test_every_word_must_match_somewhere(client, db):
    CaseFactory(title="A job goes to China", story="The VPN logs told.")
    CaseFactory(title="China only", story="Nothing else.")
    assert titles_in(client.get("/", {"q": "china vpn"})) == ["A job goes to China"]


# --- highlighting ---------------------------------------------------------------------------


def test_query_words_are_marked_in_the_results(client, seeded):
    response = client.get("/", {"q": "VPN China"})
    assert "<mark>China</mark>" in headlines_in(response)[0]


def test_no_headline_without_a_query(client, seeded):
    assert headlines_in(client.get("/")) == []


def test_headline_escapes_the_case_text_and_only_adds_mark_tags(client, db):
    CaseFactory(
        title="Hostile summary",
        summary='Beware <script>alert("x")</script> & <b>bold</b> claims about China.',
    )
    response = client.get("/", {"q": "china"})
    (headline,) = headlines_in(response)
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold" in headline
    assert "<mark>China</mark>" in headline
    assert set(re.findall(r"<[^>]*>", headline)) == {"<mark>", "</mark>"}


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        '"foo',
        "-bar OR",
        "OR",
        "<b>china</b>",
        "china <mark>",
        "'; DROP TABLE cases_case; --",
        "a:b*c|d&e!(f)",
        "&amp;",
        "<>",
        "the",
        "\\",
    ],
)
def test_any_query_is_answered_without_an_error_or_an_injected_tag(client, seeded, query):
    CaseFactory(title="A job goes to China", summary="China, mark and script.")
    response = client.get("/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "<b>china</b>" not in response.text
    for headline in headlines_in(response):
        assert set(re.findall(r"<[^>]*>", headline)) <= {"<mark>", "</mark>"}


def test_highlight_escapes_then_marks_every_word_case_insensitively():
    assert highlight('Tom & "Jerry" <b>VPN</b>, vpn.', "VPN tom") == (
        "<mark>Tom</mark> &amp; &quot;Jerry&quot; &lt;b&gt;<mark>VPN</mark>&lt;/b&gt;, "
        "<mark>vpn</mark>."
    )
    assert highlight("a <b>", "<b>") == "a &lt;<mark>b</mark>&gt;"
    assert highlight("a <b>", "") == "a &lt;b&gt;"
    assert highlight(None, "x") is None


# --- order of search results -------------------------------------------------------------


@postgresql_only
def test_a_title_match_outranks_a_story_only_match(client, db):
    CaseFactory(title="Zebra crossings are painted by a contractor", story="Plain.")
    CaseFactory(title="Road works", story="Somewhere a zebra crossing is mentioned.")
    # The story-only case is newer, so ranking, not recency, puts the title match first.
    assert titles_in(client.get("/", {"q": "zebra"})) == [
        "Zebra crossings are painted by a contractor",
        "Road works",
    ]


def test_an_explicit_sort_overrides_relevance(client, db):
    CaseFactory(title="Zebra crossings are painted by a contractor", story="Plain.")
    CaseFactory(title="Road works", story="Somewhere a zebra crossing is mentioned.")
    assert titles_in(client.get("/", {"q": "zebra", "sort": "new"})) == [
        "Road works",
        "Zebra crossings are painted by a contractor",
    ]


def test_searching_selects_best_match_and_best_match_without_a_query_is_newest(client, db):
    CaseFactory(title="Older")
    CaseFactory(title="Newer")
    searching = client.get("/", {"q": "case"})
    assert '<option value="relevance" selected>' in searching.text
    response = client.get("/", {"sort": "relevance"})
    assert response.status_code == 200
    assert titles_in(response) == ["Newer", "Older"]
    assert '<option value="new" selected>' in response.text


@postgresql_only
def test_the_search_can_use_the_gin_index(db):
    CaseFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # ends with the test's transaction
    # Without another filter the only way around a sequential scan is the GIN index, which
    # PostgreSQL takes on the stored search_document (migration 0007).
    plan = Case.objects.search("china").explain()
    assert "case_search_document_idx" in plan


# --- top and divided ---------------------------------------------------------------------


def test_top_is_by_number_of_votes(client, voters, vote):
    one, three, none = CaseFactory(title="One"), CaseFactory(title="Three"), CaseFactory()
    cast(vote, voters, one, yes=1)
    cast(vote, voters, three, no=2, depends=1)
    assert titles_in(client.get("/?sort=top")) == ["Three", "One", none.title]


def test_divided_puts_the_largest_share_closest_to_a_third_first(client, voters, vote):
    assert DIVIDED_MIN_VOTES == 5
    even = CaseFactory(title="2/2/1")  # largest share 2/5 = 0.4
    lopsided = CaseFactory(title="4/1/1")  # 4/6 ≈ 0.67
    too_few = CaseFactory(title="2/2/0")  # 4 votes: not listed
    bigger_even = CaseFactory(title="4/4/2")  # 4/10 = 0.4, more votes than 2/2/1
    unanimous = CaseFactory(title="5/0/0")  # 1.0
    CaseFactory(title="No votes")
    cast(vote, voters, even, yes=2, no=2, depends=1)
    cast(vote, voters, lopsided, yes=4, no=1, depends=1)
    cast(vote, voters, too_few, yes=2, no=2)
    cast(vote, voters, bigger_even, yes=4, no=4, depends=2)
    cast(vote, voters, unanimous, depends=5)

    assert titles_in(client.get("/?sort=divided")) == ["4/4/2", "2/2/1", "4/1/1", "5/0/0"]
    shares = dict(Case.objects.most_divided().values_list("title", "largest_share"))
    assert shares == pytest.approx({"4/4/2": 0.4, "2/2/1": 0.4, "4/1/1": 4 / 6, "5/0/0": 1.0})


@pytest.mark.parametrize(
    ("params", "queries"), [("?sort=divided&q=case", 4), ("?q=case", 3), ("?q=case&sort=top", 3)]
)
def test_search_and_sort_add_no_queries(
    db, client, django_assert_num_queries, vote, params, queries
):
    voters = UserFactory.create_batch(DIVIDED_MIN_VOTES)
    for case in CaseFactory.create_batch(3):
        for voter in voters:
            vote(voter, case, "no")
    # count for the paginator, one page of cases (rank and headline included), categories;
    # `divided` also counts the cases it leaves out (the sort note)
    with django_assert_num_queries(queries):
        response = client.get(f"/{params}")
    assert len(titles_in(response)) == 3
