"""Reader proposals on the profile: the owner's list of their proposals and their states."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from tests.helpers_proposals import proposal


@pytest.fixture
def proposals(user):
    return {
        "pending": proposal(user, title="Waiting one"),
        "published": proposal(user, Case.Status.PUBLISHED, title="Published one", slug="pub"),
        "needs_changes": proposal(
            user,
            Case.Status.NEEDS_CHANGES,
            title="Sent back one",
            slug="sent-back",
            review_note="Add the year it happened.",
        ),
        "rejected": proposal(
            user, Case.Status.REJECTED, title="Rejected one", review_note="Not outsourcing."
        ),
    }


def test_the_owner_sees_their_proposals_and_their_states(user_client, proposals):
    page = user_client.get("/users/alice/").text

    assert "Your proposals" in page
    assert page.index("Rejected one") < page.index("Waiting one")  # newest first
    for text in (
        "Waiting one",
        "Pending review",
        "Published",
        'href="/cases/pub/"',
        "Sent back one",
        "Needs changes",
        "Add the year it happened.",
        'href="/cases/sent-back/edit/"',
        "Edit and resubmit",
        "Rejected one",
        "Rejected",
        "Not outsourcing.",
    ):
        assert text in page


def test_the_proposals_cost_one_query(user_client, proposals):
    with CaptureQueriesContext(connection) as captured:
        user_client.get("/users/alice/")
    proposal_queries = [q for q in captured.captured_queries if '"proposer_id"' in q["sql"]]
    assert len(proposal_queries) == 1


def test_others_and_anonymous_do_not_see_the_proposals(client, other_user, proposals):
    assert "Your proposals" not in client.get("/users/alice/").text
    client.force_login(other_user)
    page = client.get("/users/alice/").text
    assert "Your proposals" not in page
    assert "Add the year it happened." not in page
    assert "Not outsourcing." not in page
