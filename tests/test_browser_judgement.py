"""Judgement that learns, in a real Chromium: a reader sees no result before voting, votes
and sees the blind verdict beside today's; a curator adds what happened next; the reader
answers the second question and sees the foresight verdict beside the hindsight one.

Run with: .venv/bin/pytest tests/test_browser_judgement.py -m browser
"""

import pytest

from cases import services
from cases.models import Case, HindsightVote, ModerationLog, OutcomeUpdate, Vote
from tests.browser_fixtures import expect, log_in, public_page_errors
from tests.factories import CaseFactory, UserFactory

# The live server commits for real, so these tests need a transactional database.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_blind_vote_then_outcome_then_hindsight(live_server, open_page, page_errors, curator):
    case = CaseFactory(blind=True, title="Bob hands his job to a contractor", slug="bob")
    for i, voter in enumerate(UserFactory.create_batch(10)):  # ten blind first votes: 7/3
        services.cast_vote(user=voter, case=case, choice="yes" if i < 7 else "no")
    reader = UserFactory(username="reader")
    case_url = live_server.url + case.get_absolute_url()

    # 1. The reader sees the story, not the result.
    page = open_page()
    log_in(page, live_server.url, reader.username)
    page.goto(case_url)
    vote_box = page.locator("#vote-box")
    expect(vote_box).to_contain_text("The result stays hidden until you have voted")
    expect(vote_box).to_contain_text("10 votes in all")
    expect(vote_box.locator(".verdict-row")).to_have_count(0)
    expect(page.locator("#case-figures")).not_to_contain_text("Verdict by perspective")

    # 2. They vote (htmx): the result arrives in place, the blind verdict beside today's.
    vote_box.get_by_role("button", name="Did not make sense").click()
    expect(vote_box).to_contain_text("Your vote is in")
    expect(vote_box.locator(".verdict-row").first).to_be_visible()
    expect(vote_box).to_contain_text("Blind verdict: the first answers of 11 people")
    expect(vote_box).to_contain_text("Before the discussion 64 % said it made sense; now 64 %.")
    expect(page.locator("#case-figures")).to_contain_text("Verdict by perspective")
    assert Vote.objects.get(user=reader, case=case).blind is True

    # 3. A curator adds what happened next, from the case page's tools.
    desk = open_page()
    log_in(desk, live_server.url, curator.username)
    desk.goto(case_url)
    tools = desk.locator("#outcome-tools")
    tools.get_by_label("What happened").fill("The employer found out and dismissed him.")
    tools.get_by_label("When it happened").fill("2013-01-17")
    tools.get_by_label("Source", exact=True).fill("A newspaper report")
    tools.get_by_role("button", name="Add the update").click()
    expect(tools).to_contain_text("The update on what happened next is added.")
    update = OutcomeUpdate.objects.get(case=case)
    assert update.text == "The employer found out and dismissed him."
    assert ModerationLog.objects.filter(action=ModerationLog.Action.ADD_OUTCOME).exists()
    assert Case.objects.get(pk=case.pk).foresight_total == 11

    # 4. The reader answers the second question and sees foresight beside hindsight.
    page.goto(case_url)
    hindsight = page.locator("#hindsight")
    expect(hindsight).to_contain_text("The employer found out and dismissed him.")
    expect(hindsight).to_contain_text("You voted before the outcome was known")
    hindsight.get_by_role("button", name="Made sense").click()
    expect(hindsight).to_contain_text("Your answer knowing what happened is in")
    expect(hindsight.locator(".foresight-verdict")).to_contain_text("11 people")
    expect(hindsight.locator(".hindsight-verdict")).to_contain_text("1 answer")
    expect(hindsight).to_contain_text(
        "1 of the 1 person who voted before the outcome was known and answered again judged "
        "differently in hindsight."
    )
    answer = HindsightVote.objects.get(user=reader, case=case)
    assert (answer.choice, answer.foresight_choice) == ("yes", "no")
    assert public_page_errors(page_errors) == []


def test_reveal_without_javascript_marks_the_vote_not_blind(live_server, open_page, page_errors):
    case = CaseFactory(blind=True, slug="call-center")
    services.cast_vote(user=UserFactory(), case=case, choice="yes")
    reader = UserFactory(username="looker")
    page = open_page(java_script_enabled=False)
    log_in(page, live_server.url, reader.username)
    page.goto(live_server.url + case.get_absolute_url())
    page.get_by_role("button", name="Show me the verdict without voting").click()
    expect(page.locator("body")).to_contain_text("Here is the verdict so far.")
    expect(page.locator("#vote-box .verdict-row").first).to_be_visible()
    page.locator("#vote-box").get_by_role("button", name="It depends").click()
    expect(page.locator("body")).to_contain_text("Your vote is in")
    assert Vote.objects.get(user=reader, case=case).blind is False
    assert public_page_errors(page_errors) == []
