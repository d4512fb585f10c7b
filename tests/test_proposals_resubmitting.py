"""Reader proposals: editing and resubmitting a proposal a curator sent back (the service
and the edit page). Fixtures `category`, `data`, `suspended`: tests/conftest.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services
from cases.models import Case
from tests.conftest import HTMX
from tests.factories import SourceFactory
from tests.helpers_proposals import post_data, proposal, propose

MINE = [{"description": "Mine", "language": "en"}]
# Services -------------------------------------------------------------------------------


def test_resubmit_moves_needs_changes_back_to_pending_and_replaces_sources(user, data):
    case = propose(user, data)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.NEEDS_CHANGES,
        review_note="Please add a source.",
        submitted_at=timezone.now() - timezone.timedelta(days=2),
    )
    case.refresh_from_db()
    before = case.submitted_at

    resubmitted = services.resubmit_proposal(
        proposer=user,
        case=case,
        data={**data, "title": "A better title"},
        sources=[
            {"url": "https://example.org/a", "language": "en"},
            {"description": "An interview", "language": "other"},
        ],
    )

    resubmitted.refresh_from_db()
    assert resubmitted.status == Case.Status.PENDING
    assert resubmitted.title == "A better title"
    assert resubmitted.slug == "the-developer-who-outsourced-his-own-job"  # addresses stay
    assert resubmitted.submitted_at > before
    assert [(s.title, s.language) for s in resubmitted.sources.all()] == [
        ("https://example.org/a", "en"),
        ("An interview", "other"),
    ]


@pytest.mark.parametrize(
    "status",
    [Case.Status.PENDING, Case.Status.REJECTED, Case.Status.PUBLISHED, Case.Status.DRAFT],
)
def test_resubmit_only_from_needs_changes(user, data, status):
    case = proposal(user, status)
    with pytest.raises(ValidationError, match="sent back for changes"):
        services.resubmit_proposal(proposer=user, case=case, data=data, sources=MINE)
    case.refresh_from_db()
    assert case.status == status


def test_resubmit_only_by_the_proposer(user, other_user, data):
    case = proposal(user, Case.Status.NEEDS_CHANGES)
    with pytest.raises(PermissionDenied):
        services.resubmit_proposal(proposer=other_user, case=case, data=data, sources=MINE)
    case.refresh_from_db()
    assert case.status == Case.Status.NEEDS_CHANGES


def test_resubmit_respects_the_limit(user, data):
    case = proposal(user, Case.Status.NEEDS_CHANGES)
    for _ in range(3):
        proposal(user)
    with pytest.raises(ValidationError, match="already have 3"):
        services.resubmit_proposal(proposer=user, case=case, data=data, sources=MINE)
    case.refresh_from_db()
    assert case.status == Case.Status.NEEDS_CHANGES


def test_a_suspended_proposer_cannot_resubmit(suspended, data):
    case = proposal(suspended, Case.Status.NEEDS_CHANGES)
    with pytest.raises(PermissionDenied, match="Spam"):
        services.resubmit_proposal(proposer=suspended, case=case, data=data, sources=MINE)


# Editing and resubmitting ----------------------------------------------------------------


@pytest.fixture
def sent_back(user, category):
    case = proposal(
        user,
        Case.Status.NEEDS_CHANGES,
        title="Sent back",
        slug="sent-back",
        category=category,
        year=2015,
        where="Germany",
        review_note="Which call center was it?",
    )
    SourceFactory(case=case, title="https://example.org/a", url="https://example.org/a")
    SourceFactory(case=case, title="My own experience", url="")
    return case


EDIT_URL = "/cases/sent-back/edit/"


def test_the_edit_page_shows_the_note_and_the_proposal(user_client, sent_back):
    response = user_client.get(EDIT_URL)

    assert response.status_code == 200
    page = response.text
    assert "Which call center was it?" in page
    assert 'value="Sent back"' in page
    assert 'value="https://example.org/a"' in page
    assert 'value="My own experience"' in page
    assert 'name="sources-TOTAL_FORMS" value="4"' in page


def test_the_proposer_edits_and_resubmits(user_client, sent_back, category):
    response = user_client.post(
        EDIT_URL,
        post_data(
            category,
            {"url": "https://example.org/a"},
            {},  # emptied: removed
            {"description": "The call center's own website"},
            title="Sent back, now better",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/users/alice/"
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.PENDING
    assert sent_back.title == "Sent back, now better"
    assert sent_back.slug == "sent-back"
    assert [s.title for s in sent_back.sources.all()] == [
        "https://example.org/a",
        "The call center's own website",
    ]
    page = user_client.get("/users/alice/").text
    assert "waiting for a curator again" in page
    assert "Pending review" in page
    assert user_client.get(EDIT_URL).status_code == 404  # no longer editable


def test_an_invalid_edit_keeps_the_typed_values_and_the_case(user_client, sent_back, category):
    response = user_client.post(EDIT_URL, post_data(category, title="", where="Typed place"))

    assert response.status_code == 200
    assert 'value="Typed place"' in response.text
    assert "Which call center was it?" in response.text
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.NEEDS_CHANGES
    assert sent_back.where == "Germany"


def test_htmx_resubmit_redirects_by_header(user_client, sent_back, category):
    response = user_client.post(EDIT_URL, post_data(category), headers=HTMX)

    assert response["HX-Redirect"] == "/users/alice/"
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.PENDING


def test_another_user_gets_404(client, other_user, sent_back, category):
    client.force_login(other_user)
    assert client.get(EDIT_URL).status_code == 404
    assert client.post(EDIT_URL, post_data(category)).status_code == 404
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.NEEDS_CHANGES


def test_a_pending_proposal_cannot_be_edited(user_client, user):
    proposal(user, slug="waiting")
    assert user_client.get("/cases/waiting/edit/").status_code == 404


def test_anonymous_edit_goes_to_login(client, sent_back):
    response = client.get(EDIT_URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/sent-back/edit/"


def test_a_suspended_proposer_cannot_resubmit_through_the_page(client, suspended, category):
    proposal(suspended, Case.Status.NEEDS_CHANGES, slug="theirs")
    client.force_login(suspended)

    response = client.post("/cases/theirs/edit/", post_data(category))

    assert response.status_code == 403
    assert "Spam" in response.text
