"""The list hides a blind case's shares from a reader who has not voted on it nor asked to
see it, like the case page; the cached rows stay the same for everyone."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "vote to see the verdict"


def make_case(*, blind, title, yes=7, no=3):
    case = CaseFactory(blind_mode=blind, title=title)
    for i, voter in enumerate(UserFactory.create_batch(yes + no)):
        services.cast_vote(user=voter, case=case, choice="yes" if i < yes else "no")
    return Case.objects.get(pk=case.pk)


def row_of(page: str, title: str) -> str:
    start = page.index(title)
    return page[page.rfind('<li class="case-row', 0, start) : page.index("</li>", start)]


@pytest.fixture
def cases():
    return make_case(blind=True, title="Blind one"), make_case(blind=False, title="Open one", yes=2)


def test_a_visitor_sees_no_shares_of_a_blind_case_in_the_list(client, cases):
    page = client.get(reverse("cases:list")).text
    blind_row, open_row = row_of(page, "Blind one"), row_of(page, "Open one")
    assert NOTE in blind_row and "70&nbsp;%" not in blind_row and "verdict-stacked" not in blind_row
    assert "10 votes" in blind_row
    assert NOTE not in open_row and "40&nbsp;%" in open_row and "verdict-stacked" in open_row
    assert "<!--result:" not in page and "<!--shares:" not in page


def test_a_member_sees_the_shares_of_cases_they_voted_on_or_asked_to_see(client, cases):
    blind_case, _open = cases
    member = UserFactory()
    client.force_login(member)
    assert NOTE in row_of(client.get(reverse("cases:list")).text, "Blind one")
    services.reveal_verdict(user=member, case=blind_case)
    row = row_of(client.get(reverse("cases:list")).text, "Blind one")
    assert NOTE not in row and "70&nbsp;%" in row
    voter = UserFactory()
    client.force_login(voter)
    services.cast_vote(user=voter, case=blind_case, choice="no")
    row = row_of(client.get(reverse("cases:list")).text, "Blind one")
    assert NOTE not in row and "64&nbsp;%" in row


def test_a_visitors_reveal_in_the_session_shows_the_shares_in_the_list(client, cases):
    blind_case, _open = cases
    client.post(reverse("cases:reveal", args=[blind_case.slug]))
    row = row_of(client.get(reverse("cases:list")).text, "Blind one")
    assert NOTE not in row and "70&nbsp;%" in row
    # Another visitor, served the same cached rows, still sees none.
    from django.test import Client

    assert NOTE in row_of(Client().get(reverse("cases:list")).text, "Blind one")


def test_a_featured_blind_case_shows_no_shares_either(client, cases, curator):
    blind_case, _open = cases
    services.feature_case(moderator=curator, case=blind_case)
    page = client.get(reverse("cases:list")).text
    card = page[page.index('class="card card-body h-100 featured-card"') :]
    card = card[: card.index("</div>\n          </div>")]
    assert "Blind one" in card and NOTE in card and "70&nbsp;%" not in card


def test_a_related_blind_case_shows_its_bar_only_to_whom_may_see_it(client, cases, curator):
    blind_case, open_case = cases
    services.link_cases(
        moderator=curator, case=open_case, other=blind_case, note="Disclosed.", language="en"
    )
    member = UserFactory()
    client.force_login(member)

    def panel():
        page = client.get(open_case.get_absolute_url()).text
        return page[
            page.index('id="related"') : page.index("</section>", page.index('id="related"'))
        ]

    assert "Blind one" in panel() and NOTE in panel() and "70&nbsp;%" not in panel()
    services.cast_vote(user=member, case=blind_case, choice="yes")
    assert NOTE not in panel() and "73&nbsp;%" in panel()
    client.logout()
    assert NOTE in panel()  # a visitor, served the cached page
