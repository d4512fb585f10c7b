"""What readers see of the opinion groups: /groups/ (sizes, labels, the cases where each group
stands apart, the consensus cases, the scatter), a reader's own group on their own profile,
and the verdict by group on the case page. Curators naming groups: tests/test_groups_curation.py."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cases import services
from cases.group_scatter import MAX_RADIUS, MIN_RADIUS, SCATTER_SIZE, group_scatter
from cases.services.opinion_groups import compute_opinion_groups, label_group
from cases.services.translations import save_case_translation
from tests.factories import CaseFactory, UserFactory, VoteFactory
from tests.helpers_groups import stored_groups

pytestmark = pytest.mark.django_db

GROUPS_URL = "/groups/"
EMPTY = "Groups appear once enough readers have voted on enough cases"


def titled_cases(count, **kwargs):
    return [CaseFactory(title=f"Groups case {n}", **kwargs) for n in range(count)]


def section(html: str, dom_id: str) -> str:
    """The HTML of the element with `dom_id` up to the next section."""
    start = html.index(f'id="{dom_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


# --- /groups/ ------------------------------------------------------------------------------


def test_without_a_run_the_page_says_when_groups_appear(client):
    response = client.get(GROUPS_URL)

    assert response.status_code == 200
    assert EMPTY in response.text
    assert "<svg" not in response.text.split('id="main"')[1]


def test_groups_below_ten_members_are_not_shown(client):
    cases = titled_cases(4)
    stored_groups([40, 25, 9], cases)

    text = client.get(GROUPS_URL).text

    assert 'id="group-1"' in text and 'id="group-2"' in text
    assert 'id="group-3"' not in text
    assert "Automatic label of group 3" not in text
    assert text.count("<circle ") == 2


def test_with_only_small_groups_the_page_is_empty(client):
    stored_groups([9, 8], titled_cases(3))

    assert EMPTY in client.get(GROUPS_URL).text


def test_each_group_shows_its_size_label_and_its_answers_where_it_stands_apart(client):
    cases = titled_cases(5)
    groups = stored_groups([40, 25], cases)
    label_group(moderator=UserFactory(is_superuser=True, is_staff=True), group=groups[1],
                label="Loyalty first")  # fmt: skip

    text = client.get(GROUPS_URL).text

    first, second = section(text, "group-1"), section(text, "group-2")
    # The automatic label, made in the reader's language: the group's answers on the two
    # cases where it stands furthest.
    assert "40 readers" in first
    assert (
        '<span class="group-label-part">“Did not make sense” on Groups case 1</span>'
        '<span class="group-label-part">“Made sense” on Groups case 2</span></p>'
    ) in first
    assert "25 readers" in second and ">Loyalty first</p>" in second
    assert "Automatic label of group" not in text
    # Its places: the cases that are not consensus cases (1, 2, 4), in that order, each with
    # the group's bars: group 1 says "did not" on case 1 (10 of 12), "made sense" on case 2.
    listed = first[first.index('<ol class="group-cases">') :]
    titles = re.findall(r">(Groups case \d)</a>", listed)
    assert titles == ["Groups case 1", "Groups case 2", "Groups case 4"]
    case_1 = listed[listed.index("Groups case 1") : listed.index("Groups case 2")]
    assert "17&nbsp;% (2 votes)" in case_1.split("Did not make sense")[0]
    case_2 = listed[listed.index("Groups case 2") : listed.index("Groups case 4")]
    assert "83&nbsp;% (10 votes)" in case_2.split("Did not make sense")[0]


def test_an_automatic_label_leaves_out_a_blind_case_to_whom_may_not_see_it(client, user):
    cases = [*titled_cases(2), CaseFactory(title="Blind groups case", blind=True)]
    stored_groups([40, 25], cases)

    label = section(client.get(GROUPS_URL).text, "group-1").split("</p>")[0]
    assert "“Did not make sense” on Groups case 1" in label
    assert "Blind groups case" not in label

    client.force_login(user)
    services.cast_vote(user=user, case=cases[2], choice="yes")
    label = section(client.get(GROUPS_URL).text, "group-1").split("</p>")[0]
    assert "“Made sense” on Blind groups case" in label


def test_nobody_is_named(client):
    readers = UserFactory.create_batch(3)
    stored_groups([12, 11], titled_cases(3), members={0: readers[:2], 1: readers[2:]})

    text = client.get(GROUPS_URL).text

    assert 'id="group-1"' in text
    for reader in readers:
        assert reader.username not in text


def test_the_scatter_is_an_svg_with_a_table_of_the_same_numbers(client):
    stored_groups([40, 25, 12], titled_cases(3))

    text = client.get(GROUPS_URL).text

    start = text.index('<svg class="group-scatter-svg"')
    svg = text[start : text.index("</svg>", start)]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "3 circles, one per group" in svg
    assert svg.count("<circle ") == 3
    assert "style=" not in svg and "<script" not in svg
    # The circles' numbers are plain (never "12,5") and inside the viewBox.
    for x, y in re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', svg):
        assert 0 <= float(x) <= SCATTER_SIZE and 0 <= float(y) <= SCATTER_SIZE
    table = section(text, "group-map").split("<table")[1]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)
    assert len(rows) == 3
    assert "40" in rows[0] and "1.00" in rows[0] and "0.00" in rows[0]
    assert "25" in rows[1] and "-0.50" in rows[1] and "0.87" in rows[1]


def test_the_scatter_places_circles_by_centre_and_sizes_them_by_readers(db):
    groups = stored_groups([400, 100, 10], titled_cases(1))

    scatter = group_scatter(groups)

    largest, middle, smallest = (float(point.radius) for point in scatter.points)
    assert largest == MAX_RADIUS
    assert middle == MAX_RADIUS / 2  # a quarter of the readers: half the radius
    assert smallest == MIN_RADIUS
    # Group 1's centre is (1, 0): right of the middle, on the horizontal line.
    assert float(scatter.points[0].x) > SCATTER_SIZE / 2
    assert float(scatter.points[0].y) == SCATTER_SIZE / 2
    assert group_scatter([]) is None


def test_consensus_cases_list_each_groups_share(client):
    cases = titled_cases(7)
    stored_groups([40, 25], cases)

    consensus = section(client.get(GROUPS_URL).text, "consensus")

    # Cases 0, 3 and 6: 11 of 12 in both groups said "made sense".
    assert re.findall(r">(Groups case \d)</a>", consensus) == [
        "Groups case 0",
        "Groups case 3",
        "Groups case 6",
    ]
    assert consensus.count("Every group says most often: “Made sense”") == 3
    assert consensus.count("Group 1: 92 % of 12 votes") == 3
    assert consensus.count("Group 2: 92 % of 12 votes") == 3


def test_without_agreement_no_consensus_case_is_listed(client):
    stored_groups([40, 25], titled_cases(3), votes=12)
    # Case 0 was the consensus case: now group 2 says "did not" there.
    from cases.models import GroupCaseShare

    GroupCaseShare.objects.filter(group__number=2, case__title="Groups case 0").update(
        votes_yes=1, votes_no=11
    )

    consensus = section(client.get(GROUPS_URL).text, "consensus")

    assert "No case yet on which most readers of every group gave the same answer" in consensus


def test_blind_cases_show_their_group_answers_only_to_whom_may_see_them(client, user):
    cases = [*titled_cases(2), CaseFactory(title="Blind groups case", blind=True)]
    stored_groups([40, 25], cases)  # the blind case: group 1's second place, group 2's too

    hidden = client.get(GROUPS_URL).text
    assert "Blind groups case" in hidden
    assert hidden.count("vote to see the verdict") == 2
    assert "<!--result:" not in hidden

    client.force_login(user)
    services.cast_vote(user=user, case=cases[2], choice="no")
    shown = client.get(GROUPS_URL).text
    assert "vote to see the verdict" not in shown
    first = section(shown, "group-1")
    assert "83&nbsp;% (10 votes)" in first[first.index("Blind groups case") :]


@pytest.mark.parametrize("sizes,cases", [([40, 25], 4), ([90, 60, 40, 30, 20], 40)])
def test_the_page_costs_the_same_at_any_size(client, user, django_assert_num_queries, sizes, cases):
    # The blind case first: the first of the consensus cases, shown at either size.
    stored_groups(sizes, [CaseFactory(blind=True), *titled_cases(cases - 1)])

    # The run, the groups, the cases where each stands apart, the consensus cases (two); the
    # blind case's answers are hidden for a visitor without a query.
    with django_assert_num_queries(5):
        text = client.get(GROUPS_URL).text
    assert text.count("<circle ") == len(sizes)
    with django_assert_num_queries(0):  # the same content from the cache
        client.get(GROUPS_URL)
    # A member: the user, their unread notifications (the header), their votes on and
    # reveals of the blind case shown (the session comes from the cache).
    client.force_login(user)
    with django_assert_num_queries(4):
        client.get(GROUPS_URL)


def test_a_german_reader_reads_the_cases_titles_in_german(db, django_assert_num_queries):
    cases = titled_cases(3)
    save_case_translation(
        case=cases[1], language="de", title="Gruppenfall eins", decision="x", summary="x", story="x"
    )
    stored_groups([40, 25], cases)
    german = Client(HTTP_ACCEPT_LANGUAGE="de")

    with django_assert_num_queries(6):  # the five, and the titles' translations
        text = german.get(GROUPS_URL).text

    listed = section(text, "group-1")
    assert '<a href="/cases/' in listed and ">Gruppenfall eins</a>" in listed
    assert "Groups case 1" not in listed
    assert 'lang="en">Groups case 2</a>' in listed  # untranslated: the original, marked


def test_the_header_links_the_page(client):
    assert f'href="{GROUPS_URL}"' in client.get(reverse("cases:list")).text


# --- a reader's own group ------------------------------------------------------------------


def test_a_reader_sees_their_own_group_on_their_own_profile_only(client, user, other_user):
    groups = stored_groups([40, 25], titled_cases(3), members={1: [user, other_user]})
    label_group(moderator=UserFactory(is_superuser=True, is_staff=True), group=groups[1],
                label="Loyalty first")  # fmt: skip
    own = "Your votes are closest to those of"

    client.force_login(user)
    text = client.get(user.get_absolute_url()).text
    assert own in text and "group 2</a>: Loyalty first" in text
    assert f'href="{GROUPS_URL}#group-2"' in text

    other = client.get(other_user.get_absolute_url()).text
    assert own not in other and "Loyalty first" not in other
    client.logout()
    assert "Loyalty first" not in client.get(user.get_absolute_url()).text


def test_without_a_curators_label_the_profile_names_the_group_by_number(client, user):
    stored_groups([40, 25], titled_cases(3), members={0: [user]})
    client.force_login(user)

    text = client.get(user.get_absolute_url()).text

    assert "Your votes are closest to those of" in text
    assert "group 1</a>. Only you see this." in text
    assert "Automatic label" not in text


def test_a_reader_in_a_group_too_small_to_show_sees_none(client, user):
    stored_groups([40, 9], titled_cases(3), members={1: [user]})
    client.force_login(user)

    assert "Your votes are closest to" not in client.get(user.get_absolute_url()).text


# --- the verdict by group on the case page ------------------------------------------------


def case_page(client, case) -> str:
    return client.get(case.get_absolute_url()).text


def test_the_case_page_shows_each_groups_verdict(client, curator):
    cases = titled_cases(3)
    groups = stored_groups([40, 25, 9], cases)
    label_group(moderator=curator, group=groups[0], label="Cost first")

    text = case_page(client, cases[1])

    box = section(text, "group-verdicts")
    assert "Verdict by group" in box
    assert "Group 1 17&nbsp;% · Group 2 83&nbsp;%" in re.sub(r"\s+", " ", box)
    # A curator's label; never the automatic one, which names answers on other cases.
    assert ">Cost first</p>" in box and "Automatic label" not in box
    assert "Group 3" not in box  # nine members: not shown
    # Beside the verdict by perspective, in the figures column.
    assert text.index('id="perspectives"') < text.index('id="group-verdicts"')


def test_groups_with_too_few_votes_on_the_case_are_named_together(client):
    case = CaseFactory()
    stored_groups([40, 25], [case], votes=4)

    box = section(case_page(client, case), "group-verdicts")

    assert "Too few people in these groups have voted on this case to show their shares" in box
    assert "each needs 10 votes." in box
    assert "Group 1</span> (4 votes)" in box and "Group 2</span> (4 votes)" in box
    assert "verdict-fill-yes" not in box


def test_without_groups_the_case_page_shows_no_verdict_by_group(client, case):
    assert 'id="group-verdicts"' not in case_page(client, case)


def test_the_verdict_by_group_stays_hidden_on_a_blind_case_until_the_reader_may_see_it(client):
    case = CaseFactory(blind=True)
    stored_groups([40, 25], [case])

    assert 'id="group-verdicts"' not in case_page(client, case)

    client.post(reverse("cases:reveal", args=[case.slug]))
    assert 'id="group-verdicts"' in case_page(client, case)


def test_the_case_page_shows_the_groups_of_the_latest_run(
    client, user, django_capture_on_commit_callbacks
):
    case = CaseFactory()
    readers = {name: UserFactory.create_batch(12) for name in ("yes", "no")}
    others = titled_cases(5)
    for choice, voters in readers.items():
        for reader in voters:
            for n, other in enumerate([case, *others]):
                answer = choice if n % 2 == 0 else {"yes": "no", "no": "yes"}[choice]
                VoteFactory(user=reader, case=other, choice=answer)
    assert 'id="group-verdicts"' not in case_page(client, case)  # cached without groups

    with django_capture_on_commit_callbacks(execute=True):
        compute_opinion_groups()
    text = case_page(client, case)

    box = section(text, "group-verdicts")
    assert "Group 1" in box and "Group 2" in box
    assert "100&nbsp;% (12 votes)" in box
