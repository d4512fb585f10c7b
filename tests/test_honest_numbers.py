"""Issue 11: honest numbers. A lead within the margin of error is "too close to call" (and
undecided beside the rule of thumb), sorts with a minimum say what they leave out, the
perspective box says "too few" once, the chart's x-axis has dates, comment excerpts are plain
text, and equal "It depends" conditions are counted once."""

import re
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse

from cases import services
from cases.models import Case, VerdictPoint
from cases.querysets import sort_note
from cases.services import cast_vote
from cases.services.recount import recount_votes
from cases.tallies import (
    ConditionGroup,
    clear_verdict,
    condition_groups,
    depends_conditions,
    named_conditions,
    verdict_of,
)
from cases.templatetags.cases_tags import plain_excerpt
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

TOO_CLOSE = "Too close to call: the leading answer is ahead by less than the margin of error."


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Up to a hundred voters per test: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def votes(case, yes=0, no=0, depends=0, perspective=""):
    """Real votes through the vote service, one new voter each."""
    for choice, n in (("yes", yes), ("no", no), ("depends", depends)):
        for _ in range(n):
            cast_vote(user=UserFactory(perspective=perspective), case=case, choice=choice)
    case.refresh_from_db()
    return case


def rule_says_no(**kwargs):
    """A case the rule of thumb says did not make sense (every day, the firm's own name)."""
    return CaseFactory(frequency="every_day", name_on_service=True, **kwargs)


def section(html, element_id):
    return html.split(f'id="{element_id}"', 1)[1].split("</section>", 1)[0]


# --- too close to call ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tallies", "verdict"),
    [
        ((4, 4, 2), None),  # 40 / 40 / 20 of 10 votes
        ((40, 39, 21), None),  # the split: a lead of one vote in a hundred
        ((8, 1, 1), "yes"),  # 80 % [49 %, 94 %] against 10 % [2 %, 40 %]
        ((1, 9, 0), "no"),
        ((1, 2, 12), "depends"),
        ((7, 2, 1), None),  # 70 % [40 %, 89 %] against 20 % [6 %, 51 %]: they overlap
        ((3, 0, 0), None),  # unanimous, but fewer than 10 votes
        ((9, 0, 0), None),
        ((10, 0, 0), "yes"),
        ((60, 30, 10), "yes"),
        ((50, 40, 10), None),
        ((0, 0, 0), None),
    ],
)
def test_clear_verdict_needs_ten_votes_and_a_lead_beyond_the_margin_of_error(tallies, verdict):
    assert clear_verdict(*tallies) == verdict
    shown = verdict_of(Case(votes_yes=tallies[0], votes_no=tallies[1], votes_depends=tallies[2]))
    assert shown.leader == verdict
    assert shown.too_close is (verdict is None and sum(tallies) > 0)
    assert [share.count for share in shown] == list(tallies)


@pytest.mark.parametrize("tallies", [(4, 4, 2), (40, 39, 21)])
def test_a_narrow_lead_is_too_close_to_call_and_no_disagreement(client, tallies):
    case = votes(rule_says_no(title="A narrow lead"), *tallies)

    assert (case.rule_agrees, case.rule_disagreement) == (None, None)
    page = client.get(case.get_absolute_url()).text
    assert TOO_CLOSE in section(page, "vote-box")
    assert "The crowd says" not in page
    assert "The rule and the crowd disagree." not in page
    assert "Undecided: until the crowd's verdict is clear" in page
    rule_page = client.get(reverse("cases:rule_of_thumb")).text
    assert "A narrow lead" not in rule_page
    assert "No disagreements yet" in rule_page
    assert "No case has both recorded factors and a clear crowd verdict yet." in rule_page
    assert recount_votes(fix=False) == []


def test_a_clear_lead_is_named_and_counts_against_the_rule(client):
    case = votes(rule_says_no(title="A clear lead"), yes=8, no=1, depends=1)
    close = votes(rule_says_no(title="A close one"), yes=4, no=4, depends=2)

    assert (case.rule_agrees, case.rule_disagreement) == (False, pytest.approx(0.9))
    page = client.get(case.get_absolute_url()).text
    assert "The crowd says it made sense." in section(page, "vote-box")
    assert "The rule and the crowd disagree." in page
    assert "Too close to call" not in page
    rule_page = client.get(reverse("cases:rule_of_thumb")).text
    assert "They agree on 0 of 1 judged case." in rule_page
    assert "A clear lead" in rule_page and close.title not in rule_page
    assert Case.objects.filter(rule_agrees=False).get() == case


def test_fewer_than_ten_votes_are_too_close_to_call(client):
    case = votes(rule_says_no(), yes=3)

    page = client.get(case.get_absolute_url()).text
    assert "Too close to call: fewer than 10 people have voted." in section(page, "vote-box")
    assert page.count("Too close to call") == 2  # the verdict box and the rule's box
    assert "The crowd says" not in page
    assert Case.objects.get(pk=case.pk).rule_agrees is None


def test_the_recount_rebuilds_rule_figures_stored_by_the_old_definition():
    case = votes(rule_says_no(), yes=40, no=39, depends=21)
    # what the old "most votes wins" stored: the crowd's 40 % "made sense" against the rule
    Case.objects.filter(pk=case.pk).update(rule_agrees=False, rule_disagreement=0.61)

    drifts = recount_votes(fix=False)

    assert sorted(d.field for d in drifts) == ["rule_agrees", "rule_disagreement"]
    recount_votes()
    assert Case.objects.filter(pk=case.pk).values_list(
        "rule_agrees", "rule_disagreement"
    ).get() == (
        None,
        None,
    )
    assert recount_votes(fix=False) == []


# --- sorts that need a minimum -------------------------------------------------------------


def test_sort_notes_give_the_minimum_and_the_cases_left_out(django_assert_num_queries):
    divided = votes(CaseFactory(title="Five votes"), yes=3, no=2)
    votes(CaseFactory(title="Two votes"), yes=2)
    CaseFactory(title="No votes")
    CaseFactory(title="A draft", draft=True)
    split = CaseFactory(title="Managers against staff")
    votes(split, yes=10, perspective="manager")
    votes(split, no=10, perspective="employee")
    published = Case.objects.published()

    with django_assert_num_queries(1):  # one COUNT on the sort's index
        note = sort_note("divided", published)
    assert note == {"sort": "divided", "minimum": 5, "perspectives": 2, "left_out": 2}
    assert set(published.sorted_by("divided")) == {divided, split}
    assert sort_note("split", published)["left_out"] == 3
    assert sort_note("split", published)["minimum"] == 10
    assert sort_note("split", published.filter(title="Managers against staff"))["left_out"] == 0
    assert sort_note("new", published) is None and sort_note("top", published) is None

    html = render_to_string("cases/_sort_note.html", {"sort_note": note})
    assert "This order lists only cases with at least 5 votes." in html
    assert "2 cases are left out." in html
    html = render_to_string(
        "cases/_sort_note.html", {"sort_note": sort_note("split", published.exclude(pk=divided.pk))}
    )
    assert "only cases where at least two perspectives have 10 votes each." in html
    assert "2 cases are left out." in html
    one = {"sort": "divided", "minimum": 5, "perspectives": 2, "left_out": 1}
    assert "1 case is left out." in render_to_string("cases/_sort_note.html", {"sort_note": one})
    nothing = {**one, "left_out": 0}
    assert render_to_string("cases/_sort_note.html", {"sort_note": nothing}).strip() == ""


# --- the perspective box -------------------------------------------------------------------


def test_the_perspective_box_says_too_few_once(client, case):
    votes(case, yes=3, perspective="employee")
    votes(case, no=2, perspective="manager")
    votes(case, depends=1, perspective="customer")

    box = section(client.get(case.get_absolute_url()).text, "perspectives")

    assert box.lower().count("too few") == 1
    assert "each needs 10 votes" in box
    for label, count in (("Employee", 3), ("Manager or owner", 2), ("Customer", 1)):
        vote_word = "vote" if count == 1 else "votes"
        assert f"{label}</span> ({count} {vote_word})" in box
    assert "verdict-fill" not in box  # no bars for shares this thin
    assert "Made sense:" not in box


# --- the chart's dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "labels", "day"),
    [
        ("", ["29 Nov 2026", "3 Dec 2026"], "29 November 2026"),
        ("?lang=de", ["29.11.2026", "03.12.2026"], "29. November 2026"),
    ],
)
def test_the_chart_x_axis_is_labelled_with_dates(client, case, query, labels, day):
    votes(case, yes=6, no=4)  # 10 events: two chart points
    VerdictPoint.objects.filter(case=case, bucket=0).update(
        at=datetime(2026, 11, 29, 12, tzinfo=UTC)
    )
    VerdictPoint.objects.filter(case=case, bucket=1).update(
        at=datetime(2026, 12, 3, 12, tzinfo=UTC)
    )
    Case.objects.filter(pk=case.pk).update(page_version=case.page_version + 1)

    html = client.get(case.get_absolute_url() + query).text

    axis = re.search(r'<g class="verdict-chart-axis"[^>]*>(.*?)</g>', html, re.S).group(1)
    texts = [text.strip() for text in re.findall(r"<text [^>]*>([^<]*)</text>", axis)]
    assert texts[:2] == labels
    assert day in re.search(r"<desc [^>]*>([^<]*)</desc>", html).group(1)


# --- plain excerpts ------------------------------------------------------------------------


def test_excerpts_are_plain_text_cut_at_a_word():
    html = "<p><strong>Security</strong> first &amp; <em>always</em>.</p><p>Then cost.</p>"
    assert plain_excerpt(html, 200) == "Security first & always. Then cost."
    assert plain_excerpt(html, 20) == "Security first &…"
    assert plain_excerpt(html, 16) == "Security first…"
    assert plain_excerpt("<p>&lt;b&gt;bold&lt;/b&gt;</p>", 50) == "<b>bold</b>"
    assert plain_excerpt("<p>Incomprehensibilities</p>", 8) == "Incompr…"  # one long word
    assert len(plain_excerpt("<p>" + "word " * 100 + "</p>", 160)) <= 160


def test_the_changed_mind_page_shows_plain_excerpts(client, case, user, other_user):
    services.add_comment(
        author=other_user,
        case=case,
        body="**Security** beats cost. Keep <b>the data</b> at home " + "and more " * 40,
    )
    cast_vote(user=user, case=case, choice="yes")
    cast_vote(user=user, case=case, choice="no")
    client.force_login(user)

    page = client.get(reverse("cases:changed_mind", args=[case.slug])).text

    label = re.search(r'<label class="form-check-label"[^>]*>(.*?)</label>', page, re.S).group(1)
    name, text = label.split("</strong>: ", 1)
    assert name == "<strong>bob"
    assert text.startswith("Security beats cost. Keep the data at home and more")
    assert "**" not in text and "&lt;" not in text and "<" not in text
    assert text.endswith(" and…") and len(text) <= 200


# --- grouped conditions --------------------------------------------------------------------


def depends(case, *conditions):
    for condition in conditions:
        cast_vote(user=UserFactory(), case=case, choice="depends", condition=condition)
    case.refresh_from_db()


def test_equal_conditions_count_once_with_their_number(client, case):
    depends(case, "Cost", " cost ", "COST", "Whether staff were told")

    assert depends_conditions(case).groups == [
        ConditionGroup("Cost", 3),
        ConditionGroup("Whether staff were told", 1),
    ]
    page = client.get(case.get_absolute_url()).text
    conditions = page.split('class="conditions', 1)[1].split("</div>", 1)[0]
    assert "4 conditions named" in conditions  # voters who named one, as before
    items = re.findall(r"<li>(.*?)</li>", conditions, re.S)
    assert [re.sub(r"<[^>]+>", "", item) for item in items] == [
        "Cost (3 voters)",
        "Whether staff were told (1 voter)",
    ]
    assert "<details" not in conditions


def test_more_than_ten_conditions_go_behind_show_all(client, case, django_assert_num_queries):
    depends(case, *[f"Reason {n:02}" for n in range(12)], "reason 05")

    with django_assert_num_queries(2):  # the groups, then the spellings of the one with two
        grouped = depends_conditions(case)
    assert [group.count for group in grouped.groups] == [2] + [1] * 11
    assert grouped.groups[0] == ConditionGroup("Reason 05", 2)
    assert depends_conditions(case, limit=5).capped
    page = client.get(case.get_absolute_url()).text
    conditions = page.split('class="conditions', 1)[1].split("</div>", 1)[0]
    shown, hidden = conditions.split("<details", 1)
    assert len(re.findall(r"<li>", shown)) == 10
    assert "Show all 12 different conditions" in hidden
    assert re.findall(r"<li>([^<]*) <span", hidden) == ["Reason 10", "Reason 11"]


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="PostgreSQL's plans"
)
def test_the_new_reads_use_indexes_on_postgresql(case):
    """As tests/test_query_plans.py: with sequential scans off, a "Seq Scan" left in a plan
    means no index can serve the query."""
    depends(case, "Cost", "cost")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plans = [
        condition_groups(case)[:101].explain(),
        named_conditions(case).filter(key__in=["cost"]).values("key", "spelling").explain(),
        Case.objects.published().filter(largest_share__isnull=True).order_by().explain(),
        Case.objects.published().filter(perspective_split__isnull=True).order_by().explain(),
    ]
    for plan in plans:
        assert "Seq Scan on cases_vote" not in plan and "Seq Scan on cases_case" not in plan, plan


def test_the_list_says_what_a_sort_leaves_out(client):
    for title, yes in (("Five votes", 5), ("Two votes", 2), ("One vote", 1)):
        votes(CaseFactory(title=title), yes=yes)
    page = " ".join(client.get("/?sort=divided").text.split())
    assert "This order lists only cases with at least 5 votes. 2 cases are left out." in page
    assert "Five votes" in page and "Two votes" not in page
    assert "left out" not in client.get("/?sort=top").text
