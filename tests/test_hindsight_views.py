"""Hindsight, the pages: the reader's answer and the curators' outcome updates, each without
JavaScript (redirect and message) and with htmx (the section or the tools in place); the
refusals, which keep what was typed; and what the section and the rule of thumb show (the
verdicts only to a reader who may see results)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Case, HindsightVote, ModerationLog, OutcomeUpdate
from cases.rule_of_thumb import agreement
from cases.selectors.hindsight import hindsight_section, outcome_tools
from cases.services.hindsight import (
    add_outcome_update,
    cast_hindsight_vote,
    remove_outcome_update,
)
from tests.conftest import HTMX
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXT = "The firm brought customer care back in-house after two years."
FORM = {
    "happened_on": "2014-03-01",
    "text": TEXT,
    "source_title": "The local paper",
    "source_url": "https://example.org/back-in-house",
    "language": "en",
}


def vote_url(case):
    return reverse("cases:hindsight_vote", kwargs={"slug": case.slug})


def add_url(case):
    return reverse("cases:outcome_add", kwargs={"slug": case.slug})


def remove_url(update):
    return reverse("cases:outcome_remove", kwargs={"update_id": update.pk})


def known(case, curator, text=TEXT):
    return add_outcome_update(
        moderator=curator,
        case=case,
        happened_on=date(2014, 3, 1),
        text=text,
        source_title="The local paper",
        source_url="https://example.org/back-in-house",
        language="en",
    )


def section_html(case, viewer, rf, *, show_result=True):
    request = rf.get(case.get_absolute_url())
    request.user = viewer or AnonymousUser()
    context = hindsight_section(Case.objects.get(pk=case.pk), viewer, show_result=show_result)
    return render_to_string("cases/_hindsight.html", context, request)


def pressed(html):
    """The answers whose button is marked as the viewer's."""
    buttons = html.split("<button")[1:]
    return [re.search(r'value="(\w+)"', b)[1] for b in buttons if 'aria-pressed="true"' in b]


def message_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the reader's answer -----------------------------------------------------------------


def test_a_plain_answer_redirects_to_the_section_with_a_message(user_client, user, case, curator):
    known(case, curator)
    response = user_client.post(vote_url(case), {"choice": "no"})

    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#hindsight"
    assert message_of(response) == [
        "Your answer knowing what happened is in: “Did not make sense”."
    ]
    assert HindsightVote.objects.get(user=user).choice == "no"


def test_an_htmx_answer_swaps_the_section_with_the_answer_marked(
    user_client, user, case, curator, vote
):
    vote(user, case, "yes")  # a foresight voter, who may see the result
    known(case, curator)
    user_client.post(vote_url(case), {"choice": "no"}, headers=HTMX)
    response = user_client.post(vote_url(case), {"choice": "depends"}, headers=HTMX)

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<section id="hindsight"')
    assert "Your answer knowing what happened is changed to “It depends”." in html
    assert pressed(html) == ["depends"]
    assert "You voted before the outcome was known: “made sense”." in html
    assert "1 of the 1 person who voted before the outcome was known and answered again" in html
    assert "<html" not in html
    assert HindsightVote.objects.get(user=user).choice == "depends"


def test_a_bad_answer_is_refused_and_nothing_counts(user_client, case, curator):
    known(case, curator)
    response = user_client.post(vote_url(case), {"choice": "maybe"})
    assert response.status_code == 400
    assert "“maybe” is not an answer" in response.text
    htmx = user_client.post(vote_url(case), {"choice": "maybe"}, headers=HTMX)
    assert htmx.status_code == 400 and htmx["X-Refusal"] == "1"
    assert not HindsightVote.objects.exists()


def test_before_any_outcome_the_question_is_refused(user_client, case):
    response = user_client.post(vote_url(case), {"choice": "yes"})
    assert response.status_code == 403
    assert "once a curator has added what happened next" in response.text
    assert not HindsightVote.objects.exists()


def test_a_closed_case_refuses_answers_and_shows_them_read_only(
    user_client, user, case, curator, rf
):
    known(case, curator)
    cast_hindsight_vote(user=user, case=case, choice="yes")
    services.close_case(moderator=curator, case=case, reason="Verdict final.")

    response = user_client.post(vote_url(case), {"choice": "no"})
    assert response.status_code == 403 and "closed" in response.text
    assert HindsightVote.objects.get().choice == "yes"
    html = section_html(case, user, rf)
    assert "Your answer: made sense" in html
    assert "<form" not in html


def test_a_visitor_is_sent_to_log_in_and_sees_the_log_in_form(client, case, curator, rf):
    known(case, curator)
    response = client.post(vote_url(case), {"choice": "yes"})
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={case.get_absolute_url()}"
    assert not HindsightVote.objects.exists()

    html = section_html(case, None, rf)
    assert 'action="/accounts/login/"' in html and 'method="get"' in html
    assert f'value="{case.get_absolute_url()}#hindsight"' in html
    assert "You will be asked to log in first." in html
    assert "csrfmiddlewaretoken" not in html  # the visitor's page is cached for everyone


# --- what the section shows ----------------------------------------------------------------


def test_nothing_shows_before_anything_is_known(case, user, rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        context = hindsight_section(case, user, show_result=True)
    html = render_to_string("cases/_hindsight.html", context)
    assert html.strip() == '<div id="hindsight"></div>'


def test_updates_show_in_date_order_in_the_readers_language(case, curator, rf):
    later = known(case, curator, text="The contract ended.")
    OutcomeUpdate.objects.filter(pk=later.pk).update(happened_on=date(2015, 6, 1))
    earlier = known(case, curator, text="Complaints doubled.")
    OutcomeUpdate.objects.filter(pk=earlier.pk).update(
        happened_on=date(2013, 2, 1), translations={"de": "Die Beschwerden verdoppelten sich."}
    )
    removed = known(case, curator, text="A wrong report.")
    remove_outcome_update(moderator=curator, update=removed)

    html = section_html(case, None, rf)
    assert html.index("Complaints doubled.") < html.index("The contract ended.")
    assert "A wrong report." not in html
    assert '<a href="https://example.org/back-in-house" rel="nofollow noopener">' in html
    assert "Knowing what happened, did it make sense?" in html
    with translation.override("de"):
        german = section_html(case, None, rf)
    assert "Die Beschwerden verdoppelten sich." in german
    assert 'lang="en"' in german  # the update without a German wording


def test_the_result_shows_foresight_beside_hindsight_only_when_allowed(
    case, curator, user, rf, vote, django_assert_max_num_queries
):
    voters = UserFactory.create_batch(3)
    for voter in voters:
        vote(voter, case, "yes")
    known(case, curator)
    cast_hindsight_vote(user=voters[0], case=case, choice="no")
    cast_hindsight_vote(user=voters[1], case=case, choice="yes")

    case = Case.objects.get(pk=case.pk)
    with django_assert_max_num_queries(2):
        context = hindsight_section(case, user, show_result=True)
    shown = render_to_string("cases/_hindsight.html", context, _request(rf, case, user))
    assert "Before the outcome was known" in shown and "The answers 3 people held" in shown
    assert "100&nbsp;% (3 votes)" in shown and "50&nbsp;% (1 vote)" in shown
    assert "1 of the 2 people who voted before the outcome was known and answered again" in shown

    hidden = section_html(case, user, rf, show_result=False)
    assert "Before the outcome was known" not in hidden and "%" not in hidden
    assert "answered again" not in hidden
    assert "Knowing what happened, did it make sense?" in hidden  # the question stays


def test_the_empty_state_invites_the_first_answer(case, curator, user, rf):
    known(case, curator)
    html = section_html(case, user, rf)
    assert "Nobody has answered yet. Be the first." in html
    assert "You voted before the outcome was known" not in html


def test_the_rule_of_thumb_names_the_hindsight_verdict_unless_the_result_is_hidden(
    case, curator, rf
):
    Case.objects.filter(pk=case.pk).update(frequency="every_day", name_on_service=True)
    known(case, curator)
    for voter in UserFactory.create_batch(10):
        cast_hindsight_vote(user=voter, case=case, choice="yes")
    rule = agreement(Case.objects.get(pk=case.pk))

    html = render_to_string("cases/_rule_of_thumb.html", {"rule": rule})  # no show_result
    assert "Knowing what happened, the crowd says it made sense." in html
    assert "The rule and the verdict in hindsight disagree." in html
    hidden = render_to_string("cases/_rule_of_thumb.html", {"rule": rule, "show_result": False})
    assert "By the rule of thumb: does not make sense." in hidden
    assert "Knowing what happened" not in hidden and "The crowd" not in hidden
    assert "What the crowd says shows once you have voted." in hidden


def _request(rf, case, user):
    request = rf.get(case.get_absolute_url())
    request.user = user
    return request


# --- the curators' outcome updates ---------------------------------------------------------


def test_a_curator_adds_an_update_plainly(curator_client, curator, case):
    response = curator_client.post(add_url(case), FORM)

    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#hindsight"
    assert message_of(response) == ["The update on what happened next is added."]
    update = OutcomeUpdate.objects.get()
    assert (update.text, update.happened_on, update.author) == (TEXT, date(2014, 3, 1), curator)
    assert ModerationLog.objects.get().action == "add_outcome"
    assert Case.objects.get(pk=case.pk).outcome_known


def test_with_htmx_the_tools_and_the_section_come_back(curator_client, case):
    response = curator_client.post(add_url(case), FORM, headers=HTMX)

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="outcome-tools"')
    assert "The update on what happened next is added." in html
    assert 'data-hx-swap-oob="true"' in html and '<section id="hindsight"' in html
    assert html.count(TEXT) == 2  # listed in the tools, shown in the section
    assert f"{TEXT}</textarea>" not in html  # a blank form for the next one
    assert f'action="{remove_url(OutcomeUpdate.objects.get())}"' in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_refused_update_keeps_what_was_typed(curator_client, case, headers):
    data = {**FORM, "happened_on": "2999-01-01", "source_title": ""}
    response = curator_client.post(add_url(case), data, headers=headers)

    assert "That date is in the future" in response.text
    assert "Name the source that reports it." in response.text
    assert TEXT in response.text
    if headers:
        assert response.status_code == 200 and 'value="2999-01-01"' in response.text
        assert 'aria-invalid="true"' in response.text
    else:
        assert response.status_code == 400
    assert not OutcomeUpdate.objects.exists() and not ModerationLog.objects.exists()


def test_an_update_on_an_unpublished_case_is_refused(curator_client, draft_case):
    response = curator_client.post(add_url(draft_case), FORM)
    assert response.status_code == 400
    assert "Only a published case can have outcome updates." in response.text
    assert TEXT in response.text
    assert not OutcomeUpdate.objects.exists()


def test_a_curator_removes_an_update_plainly_and_with_htmx(curator_client, curator, case):
    first, second = known(case, curator), known(case, curator, text="A second report.")

    response = curator_client.post(remove_url(first), {"reason": "A rumour."})
    assert response.status_code == 302 and response.url.endswith("#hindsight")
    assert message_of(response) == ["The update is removed from the case's page."]
    htmx = curator_client.post(remove_url(second), {"reason": ""}, headers=HTMX)
    assert htmx.status_code == 200 and "The update is removed" in htmx.text
    assert "A second report." not in htmx.text

    assert OutcomeUpdate.objects.filter(removed_at__isnull=True).count() == 0
    removals = ModerationLog.objects.filter(action="remove_outcome")
    assert sorted(removals.values_list("reason", flat=True)) == ["", "A rumour."]


def test_an_over_long_removal_reason_is_refused_with_its_text(curator_client, curator, case):
    update = known(case, curator)
    reason = "x" * 301
    response = curator_client.post(remove_url(update), {"reason": reason})
    assert response.status_code == 400 and reason in response.text
    assert OutcomeUpdate.objects.get().removed_at is None


def test_members_get_403_and_nothing_changes(user_client, case, curator):
    update = known(case, curator)
    before = ModerationLog.objects.count()
    for url in (add_url(case), remove_url(update)):
        response = user_client.post(url, FORM)
        assert response.status_code == 403
        assert "Only curators can do this." in response.text
    assert OutcomeUpdate.objects.count() == 1 and OutcomeUpdate.objects.get().removed_at is None
    assert ModerationLog.objects.count() == before


def test_the_tools_offer_the_form_in_the_readers_language(case, curator, rf):
    known(case, curator)
    html = render_to_string("cases/_outcome_tools.html", outcome_tools(case), rf.get("/"))
    assert f'action="{add_url(case)}"' in html and 'type="date"' in html
    assert '<option value="en" selected>' in html
    assert "Remove the update of" in html
    assert 'id="hindsight"' not in html  # the section only comes out of band


def test_the_case_page_shows_the_outcome_and_the_question(case, curator, user):
    known(case, curator)
    html = Client().get(case.get_absolute_url()).text
    assert '<section id="hindsight"' in html and TEXT in html
    curator_page = Client()
    curator_page.force_login(curator)
    assert 'id="outcome-tools"' in curator_page.get(case.get_absolute_url()).text
