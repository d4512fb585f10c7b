import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, ModerationLog, Vote
from tests.conftest import HTMX
from tests.factories import CaseFactory, UserFactory

QUEUE = "/curate/"


@pytest.fixture
def proposer(db):
    return UserFactory(username="paula", email="paula@example.org")


@pytest.fixture
def proposal(proposer):
    return CaseFactory(
        slug="payroll-abroad",
        title="Payroll moves abroad",
        story="The payroll team of **twelve** was replaced.",
        status=Case.Status.PENDING,
        published_at=None,
        proposer=proposer,
        submitted_at=timezone.now(),
    )


def tool_url(case, tool):
    return reverse("cases:case_tool", kwargs={"slug": case.slug, "tool": tool})


# --- services --------------------------------------------------------------------------


def test_publishing_a_proposal_dates_it_logs_it_and_mails_the_proposer(
    proposal, curator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_proposal(moderator=curator, case=proposal, note="Thanks!")
    proposal.refresh_from_db()
    assert proposal.status == "published" and proposal.published_at is not None
    assert ModerationLog.objects.get().action == "publish"
    assert mail.outbox[0].to == ["paula@example.org"]
    assert "Payroll moves abroad" in mail.outbox[0].body and "Thanks!" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("act", "status", "action"),
    [
        (services.send_back_proposal, "needs_changes", "send_back"),
        (services.reject_proposal, "rejected", "reject"),
    ],
)
def test_send_back_and_reject_need_a_note_and_tell_the_proposer(
    proposal, curator, django_capture_on_commit_callbacks, act, status, action
):
    key = "note" if action == "send_back" else "reason"
    with pytest.raises(ValidationError):
        act(moderator=curator, case=proposal, **{key: "  "})
    with django_capture_on_commit_callbacks(execute=True):
        act(moderator=curator, case=proposal, **{key: "Name a source, please."})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note) == (status, "Name a source, please.")
    assert ModerationLog.objects.get().action == action
    assert "Name a source, please." in mail.outbox[0].body


def test_a_decided_proposal_cannot_be_decided_again(proposal, curator):
    # Two curators acting on one proposal: the second finds it decided (the row is locked).
    services.reject_proposal(moderator=curator, case=proposal, reason="Duplicate")
    stale = Case.objects.get(pk=proposal.pk)
    stale.status = Case.Status.PENDING  # what the second curator's page still showed
    with pytest.raises(ValidationError, match="already decided"):
        services.publish_proposal(moderator=curator, case=stale)
    assert Case.objects.get(pk=proposal.pk).status == "rejected"
    assert ModerationLog.objects.count() == 1


def test_plain_users_cannot_decide(proposal, user):
    with pytest.raises(PermissionDenied):
        services.publish_proposal(moderator=user, case=proposal)


def test_at_most_three_cases_are_featured(curator):
    cases = CaseFactory.create_batch(4)
    for case in cases[:3]:
        services.feature_case(moderator=curator, case=case)
    with pytest.raises(ValidationError, match="At most 3"):
        services.feature_case(moderator=curator, case=cases[3])
    services.unfeature_case(moderator=curator, case=cases[0])
    services.feature_case(moderator=curator, case=cases[3])
    assert Case.objects.filter(featured_at__isnull=False).count() == 3


def test_only_published_cases_are_featured_or_closed(proposal, curator):
    with pytest.raises(ValidationError):
        services.feature_case(moderator=curator, case=proposal)
    with pytest.raises(ValidationError):
        services.close_case(moderator=curator, case=proposal, reason="Done")


def test_closing_stops_votes_and_reopening_allows_them(case, curator, user):
    services.close_case(moderator=curator, case=case, reason="verdict final")
    with pytest.raises(PermissionDenied, match="verdict final"):
        services.cast_vote(user=user, case=case, choice="yes")
    services.reopen_case(moderator=curator, case=case)
    services.cast_vote(user=user, case=case, choice="yes")
    assert Vote.objects.count() == 1
    assert list(ModerationLog.objects.values_list("action", flat=True).order_by("pk")) == [
        "close",
        "reopen",
    ]


def test_factors_are_recorded_with_history(case, curator):
    services.record_factors(
        moderator=curator,
        case=case,
        frequency="every_day",
        name_on_service=True,
        customer_data_shared=True,
        rare_expertise=False,
    )
    case.refresh_from_db()
    assert (case.frequency, case.name_on_service, case.rare_expertise) == ("every_day", True, False)
    latest = case.history.latest()
    assert latest.history_user == curator and latest.frequency == "every_day"


# --- views -----------------------------------------------------------------------------


def test_queue_is_for_curators_only(client, user, proposal):
    assert client.get(QUEUE).url.startswith("/accounts/login/?next=/curate/")
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403


def test_queue_lists_pending_proposals_oldest_first_with_a_preview(curator_client, proposal):
    newer = CaseFactory(
        title="Newer proposal", status="pending", published_at=None, submitted_at=timezone.now()
    )
    CaseFactory(title="A draft", draft=True)
    page = curator_client.get(QUEUE).text
    assert page.index("Payroll moves abroad") < page.index(newer.title)
    assert "A draft" not in page
    assert "<strong>twelve</strong>" in page  # the story rendered as it will be published
    assert "Proposed by paula" in page


def test_publish_plain_and_with_htmx(curator_client, proposal, proposer):
    other = CaseFactory(status="pending", published_at=None, submitted_at=timezone.now())
    response = curator_client.post(reverse("cases:publish_proposal", args=[proposal.slug]))
    assert response.url == QUEUE
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "“Payroll moves abroad” is published."
    ]
    response = curator_client.post(
        reverse("cases:publish_proposal", args=[other.slug]), headers=HTMX
    )
    assert "is published" in response.text and "<html" not in response.text
    assert Case.objects.filter(status="published").count() == 2


def queue_count(html):
    """The out-of-band counter in an htmx answer: (its tag, its text)."""
    match = re.search(r'(<p id="queue-count"[^>]*>)(.*?)</p>', html, re.S)
    return match.group(1), match.group(2).strip()


@pytest.mark.parametrize(
    ("url_name", "note"),
    [("publish_proposal", ""), ("send_back_proposal", "Add a source."), ("reject_proposal", "No.")],
)
def test_an_htmx_decision_updates_the_counter_out_of_band(curator_client, proposal, url_name, note):
    CaseFactory(status="pending", published_at=None, submitted_at=timezone.now())
    page = curator_client.get(QUEUE).text
    assert queue_count(page) == (
        '<p id="queue-count" class="lead">',
        "2 proposals wait for a decision, oldest first.",
    )

    url = reverse(f"cases:{url_name}", args=[proposal.slug])
    response = curator_client.post(url, {"note": note}, headers=HTMX)

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div class="alert alert-success" role="status">')
    assert queue_count(html) == (
        '<p id="queue-count" class="lead" data-hx-swap-oob="true">',
        "1 proposal waits for a decision, oldest first.",
    )


def test_an_htmx_refusal_shows_the_card_and_the_counter_out_of_band(curator_client, proposal):
    other_curator = UserFactory(username="other-curator", is_staff=True, is_superuser=True)
    services.reject_proposal(moderator=other_curator, case=proposal, reason="A duplicate.")
    url = reverse("cases:publish_proposal", args=[proposal.slug])

    response = curator_client.post(url, headers=HTMX)

    html = response.text
    assert html.lstrip().startswith(f'<article id="proposal-{proposal.pk}"')
    assert "This proposal was already decided" in html
    assert queue_count(html)[1] == "0 proposals wait for a decision, oldest first."
    assert 'data-hx-swap-oob="true"' in queue_count(html)[0]


def test_send_back_without_a_note_is_400_plain_and_an_error_fragment_with_htmx(
    curator_client, proposal
):
    url = reverse("cases:send_back_proposal", args=[proposal.slug])
    assert curator_client.post(url, {"note": ""}).status_code == 400
    response = curator_client.post(url, {"note": ""}, headers=HTMX)
    assert "Tell the proposer what to change." in response.text
    assert Case.objects.get(pk=proposal.pk).status == "pending"


def test_reject_from_the_queue(curator_client, proposal):
    url = reverse("cases:reject_proposal", args=[proposal.slug])
    curator_client.post(url, {"note": "Not an outsourcing decision."})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note) == ("rejected", "Not an outsourcing decision.")


def test_factors_form_saves_plain_and_with_htmx(curator_client, proposal):
    url = reverse("cases:record_factors", args=[proposal.slug])
    data = {"frequency": "once", "name_on_service": "false", "customer_data_shared": "unknown"}
    response = curator_client.post(url, {**data, "rare_expertise": "true"})
    assert response.url == QUEUE
    proposal.refresh_from_db()
    assert (proposal.frequency, proposal.name_on_service, proposal.rare_expertise) == (
        "once",
        False,
        True,
    )
    assert proposal.customer_data_shared is None
    response = curator_client.post(url, {**data, "frequency": "every_day"}, headers=HTMX)
    assert "factors are saved" in response.text
    assert curator_client.post(url, {"frequency": "hourly"}).status_code == 400


def test_curator_features_and_closes_from_the_case_page(curator_client, case):
    page = curator_client.get(case.get_absolute_url()).text
    assert "Curator tools" in page
    response = curator_client.post(tool_url(case, "feature"), {"next": case.get_absolute_url()})
    assert response.url == case.get_absolute_url()
    response = curator_client.post(
        tool_url(case, "close"), {"reason": "verdict final"}, headers=HTMX
    )
    assert "is closed" in response.text and "Reopen the discussion" in response.text
    public = Client().get(case.get_absolute_url()).text
    assert "Discussion closed on" in public and "verdict final" in public
    assert reverse("cases:vote", args=[case.slug]) not in public
    assert "Curator tools" not in public


def test_close_without_a_reason_is_400_and_unknown_tools_404(curator_client, case):
    assert curator_client.post(tool_url(case, "close"), {"reason": ""}).status_code == 400
    assert curator_client.post(tool_url(case, "explode")).status_code == 404
    assert not Case.objects.get(pk=case.pk).is_closed


def test_plain_user_cannot_use_case_tools(user_client, case):
    assert user_client.post(tool_url(case, "feature")).status_code == 403
    assert not Case.objects.get(pk=case.pk).is_featured


def test_featured_cases_show_above_the_list(client, curator, django_assert_num_queries):
    featured = CaseFactory(title="Pinned by a curator")
    CaseFactory.create_batch(3)
    services.feature_case(moderator=curator, case=featured)
    with django_assert_num_queries(4):  # count, page, categories, featured
        page = client.get("/").text
    assert "Featured by the curators" in page
    assert page.index("Pinned by a curator") < page.index("Featured by the curators") + 500
    assert "Featured by the curators" not in client.get("/?q=pinned").text


def test_curators_see_a_cases_history_in_the_admin(curator_client, curator, case):
    # Through the case page, as curators close cases: the request credits them in the history
    # (services.close_case called directly credits no one: "Changed by: None").
    curator_client.post(tool_url(case, "close"), {"reason": "verdict final"})
    response = curator_client.get(reverse("admin:cases_case_history", args=[case.pk]))
    assert response.status_code == 200
    assert case.history.count() >= 1
    assert case.history.first().history_user == curator
    # The "Changed by" cell links the acting curator (not the "Welcome, curator" header).
    user_url = reverse("admin:accounts_user_change", args=[curator.pk])
    assert f'<a href="{user_url}">curator</a>' in response.text
