"""The blind first verdict on the page: what a reader sees before and after voting or asking
to see the result, the reveal (member and visitor, plain and htmx), the blind verdict beside
today's, and the curator's switch."""

import re

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, ModerationLog, VerdictReveal, Vote
from tests.conftest import HTMX
from tests.factories import CaseFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

BARS = 'class="verdict-row"'
HIDDEN = "The result stays hidden until you have voted"


def reveal_url(case):
    return reverse("cases:reveal", args=[case.slug])


def vote_url(case):
    return reverse("cases:vote", args=[case.slug])


@pytest.fixture
def blind_case():
    """A blind case with a clear result: 7 made sense, 3 did not, one convincing comment."""
    case = CaseFactory(blind=True)
    voters = UserFactory.create_batch(10)
    for i, voter in enumerate(voters):
        services.cast_vote(user=voter, case=case, choice="yes" if i < 7 else "no")
    comment = CommentFactory(case=case, author=voters[0], body="The *cost* argument wins.")
    services.rate_comment(user=UserFactory(), comment=comment, value=1)
    return Case.objects.get(pk=case.pk)


def test_a_reader_who_has_not_voted_sees_the_case_but_no_result(client, user, blind_case):
    client.force_login(user)
    page = client.get(blind_case.get_absolute_url()).text
    assert blind_case.title in page and "<strong>fifteen</strong>" in page
    assert "The <em>cost</em> argument wins." in page  # the discussion stays
    assert HIDDEN in page
    assert BARS not in page
    assert "70&nbsp;%" not in page
    assert 'id="verdict-chart' not in page and 'id="perspectives"' not in page
    assert "Most convincing for" not in page
    assert "Show me the verdict without voting" in page
    assert "10 votes in all" in page  # how many voted says nothing of what they said


def test_a_visitor_sees_no_result_and_no_shares_in_the_page_metadata(client, blind_case):
    page = client.get(blind_case.get_absolute_url()).text
    assert HIDDEN in page and BARS not in page
    assert "70 % made sense" not in page
    assert "vote before you see the verdict" in page


def test_after_voting_the_reader_sees_the_result_and_the_blind_verdict(client, user, blind_case):
    client.force_login(user)
    client.post(vote_url(blind_case), {"choice": "no"})
    assert Vote.objects.get(user=user, case=blind_case).blind is True
    page = client.get(blind_case.get_absolute_url()).text
    assert HIDDEN not in page
    assert BARS in page and "Most convincing for" in page
    # 11 blind votes: 7 made sense (64 %) before the discussion and now.
    assert "the first answers of 11 people who voted before seeing any result" in page
    assert "Before the discussion 64 % said it made sense; now 64 %." in page


def test_the_shift_sentence_counts_the_minds_that_changed(client, user, blind_case):
    for voter in list(Vote.objects.filter(case=blind_case, choice="yes"))[:2]:
        services.cast_vote(user=voter.user, case=blind_case, choice="no")
    client.force_login(user)
    services.cast_vote(user=user, case=blind_case, choice="no")
    page = client.get(blind_case.get_absolute_url()).text
    # blind 7/4/0 of 11, now 5/6/0
    assert "Before the discussion 64 % said it made sense; now 45 %." in page
    assert "2 people changed their mind, 2 of them toward “Did not make sense”." in page


def test_a_member_reveals_without_javascript_and_their_vote_is_not_blind(client, user, blind_case):
    client.force_login(user)
    response = client.post(reveal_url(blind_case))
    assert response.status_code == 302
    assert response["Location"] == f"{blind_case.get_absolute_url()}#verdict"
    assert VerdictReveal.objects.filter(user=user, case=blind_case).exists()
    page = client.get(response["Location"]).text
    assert "Here is the verdict so far." in page
    assert BARS in page and HIDDEN not in page
    client.post(vote_url(blind_case), {"choice": "yes"})
    vote = Vote.objects.get(user=user, case=blind_case)
    assert vote.blind is False
    assert Case.objects.get(pk=blind_case.pk).blind_total == 10


def test_a_member_reveals_with_htmx_and_the_hidden_parts_arrive_out_of_band(
    client, user, blind_case
):
    client.force_login(user)
    response = client.post(reveal_url(blind_case), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<section id="vote-box"')
    assert "Here is the verdict so far." in html and BARS in html
    assert re.search(r'id="case-figures"[^>]*data-hx-swap-oob="true"', html)
    assert re.search(r'id="highlights"[^>]*data-hx-swap-oob="true"', html)
    assert 'id="perspectives"' in html and "Most convincing for" in html
    assert VerdictReveal.objects.filter(user=user, case=blind_case).exists()


def test_a_visitor_reveals_in_the_session_and_a_vote_after_logging_in_is_not_blind(
    client, blind_case
):
    page = client.get(blind_case.get_absolute_url()).text
    # The cached page carries this visitor's own token in the reveal form.
    assert 'name="csrfmiddlewaretoken"' in page and "<!--csrf-token-->" not in page
    response = client.post(reveal_url(blind_case))
    assert response.status_code == 302
    assert not VerdictReveal.objects.exists()  # a visitor's reveal lives in the session
    page = client.get(blind_case.get_absolute_url()).text
    assert BARS in page and HIDDEN not in page
    member = UserFactory()
    client.force_login(member)  # the session, and its reveal, go on
    client.post(vote_url(blind_case), {"choice": "no"})
    assert Vote.objects.get(user=member, case=blind_case).blind is False


def test_the_visitors_cached_page_has_one_version_per_state_and_a_fresh_token_each(blind_case):
    from django.test import Client

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        page = visitor.get(blind_case.get_absolute_url()).text
        assert HIDDEN in page
        tokens.append(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
    assert tokens[0] != tokens[1]
    response = first.post(reveal_url(blind_case), {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert BARS in first.get(blind_case.get_absolute_url()).text
    assert HIDDEN in second.get(blind_case.get_absolute_url()).text


def test_a_reveal_without_a_csrf_token_is_refused(blind_case):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reveal_url(blind_case))
    assert response.status_code == 403


def test_a_first_htmx_vote_on_a_blind_case_brings_the_result_in_place(client, user, blind_case):
    client.force_login(user)
    response = client.post(vote_url(blind_case), {"choice": "yes"}, headers=HTMX)
    html = response.text
    assert "Your vote is in" in html and BARS in html
    assert re.search(r'id="case-figures"[^>]*data-hx-swap-oob="true"', html)
    # A change afterwards answers with the vote box alone.
    response = client.post(vote_url(blind_case), {"choice": "no"}, headers=HTMX)
    assert "Your vote is changed" in response.text
    assert "data-hx-swap-oob" not in response.text


def test_reveal_after_voting_changes_nothing(client, user, blind_case):
    client.force_login(user)
    services.cast_vote(user=user, case=blind_case, choice="yes")
    response = client.post(reveal_url(blind_case), follow=True)
    assert "The verdict is shown to you already." in response.text
    assert not VerdictReveal.objects.exists()


def test_reveal_of_an_unpublished_case_is_a_404(client, user):
    client.force_login(user)
    draft = CaseFactory(draft=True, blind=True)
    assert client.post(reveal_url(draft)).status_code == 404
    assert client.get(reveal_url(draft)).status_code == 405


def test_a_case_without_blind_mode_shows_its_result_to_everyone(client, blind_case, curator):
    services.set_blind_mode(moderator=curator, case=blind_case, on=False)
    page = client.get(blind_case.get_absolute_url()).text
    assert BARS in page and HIDDEN not in page
    assert "70 % made sense" in page  # the shared link's description names the verdict


@pytest.mark.parametrize("htmx", [False, True])
def test_a_curator_switches_blind_mode_from_the_page(client, curator, blind_case, htmx):
    client.force_login(curator)
    url = reverse("cases:case_tool", args=[blind_case.slug, "blind_off"])
    response = client.post(url, headers=HTMX if htmx else {})
    assert Case.objects.get(pk=blind_case.pk).blind_mode is False
    assert ModerationLog.objects.filter(action=ModerationLog.Action.BLIND_OFF).count() == 1
    if htmx:
        assert "shows its result before people vote" in response.text
        assert "Hide the result until people vote" in response.text
    else:
        assert response.status_code == 302
        page = client.get(response["Location"]).text
        assert "shows its result before people vote" in page
        assert "Hide the result until people vote" in page


def test_a_member_cannot_switch_blind_mode(client, user, blind_case):
    client.force_login(user)
    url = reverse("cases:case_tool", args=[blind_case.slug, "blind_off"])
    assert client.post(url).status_code == 403
    assert Case.objects.get(pk=blind_case.pk).blind_mode is True
