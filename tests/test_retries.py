"""Writes that are retried do not double (idempotency tokens, unique in the database), and the
curators' acts go through their one path."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Comment, Flag, ModerationLog
from tests.conftest import HTMX, run_at_once
from tests.factories import CaseFactory, CategoryFactory, CommentFactory, UserFactory


def comment_url(case):
    return reverse("cases:comment_create", kwargs={"slug": case.slug})


@pytest.mark.django_db
def test_the_comment_form_carries_a_fresh_token(client, case, user):
    client.force_login(user)
    first = client.get(case.get_absolute_url()).text
    second = client.get(case.get_absolute_url()).text
    tokens = [page.split('name="token" value="')[1][:36] for page in (first, second)]
    assert tokens[0] != tokens[1]
    assert all(uuid.UUID(token) for token in tokens)


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_double_clicked_comment_is_posted_once_and_answered_alike(client, case, user, headers):
    client.force_login(user)
    form = {"body": "Only once, please.", "token": str(uuid.uuid4())}

    first = client.post(comment_url(case), form, headers=headers)
    again = client.post(comment_url(case), form, headers=headers)

    assert Comment.objects.filter(body="Only once, please.").count() == 1
    assert Case.objects.get(pk=case.pk).comment_count == 1
    assert again.status_code == first.status_code
    if headers:
        comment = Comment.objects.get()
        assert f'id="comment-{comment.pk}"' in again.text
    else:
        assert again["Location"] == first["Location"]


@pytest.mark.django_db
def test_two_different_forms_make_two_comments(client, case, user):
    client.force_login(user)
    for body in ("One.", "Two."):
        client.post(comment_url(case), {"body": body, "token": str(uuid.uuid4())})
    assert Comment.objects.count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_comment_with_the_same_token(case, user):
    token = uuid.uuid4()
    CommentFactory(case=case, author=user, submission_token=token)
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentFactory(case=case, author=user, submission_token=token)


@pytest.mark.django_db(transaction=True)
def test_the_same_comment_posted_at_the_same_moment_is_stored_once():
    case, author = CaseFactory(), UserFactory()
    token = uuid.uuid4()

    results, errors = run_at_once(
        6, lambda i: services.add_comment(author=author, case=case, body="Hi.", token=token)
    )

    assert errors == []
    assert len({comment.pk for comment in results}) == 1
    assert Comment.objects.count() == 1
    assert Case.objects.get(pk=case.pk).comment_count == 1


@pytest.mark.django_db
def test_a_retried_proposal_makes_one_case(client, user):
    client.force_login(user)
    category = CategoryFactory()
    form = {
        "title": "Payroll moves abroad",
        "decision": "In-house payroll → a provider abroad",
        "summary": "A firm hands its payroll to a provider.",
        "story": "The payroll team was replaced.",
        "category": category.pk,
        "year": timezone.now().year,
        "where": "Germany",
        "decided_by": "The owner",
        "outsourced_what": "Payroll",
        "provider": "A provider in Poland",
        "token": str(uuid.uuid4()),
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-0-url": "https://example.org/post",
        "sources-0-description": "",
        "sources-0-language": "en",
    }
    first = client.post(reverse("cases:propose"), form)
    again = client.post(reverse("cases:propose"), form)

    assert first.status_code == again.status_code == 302
    assert Case.objects.filter(title="Payroll moves abroad").count() == 1


@pytest.mark.django_db
def test_the_admins_publish_on_a_proposal_goes_through_the_proposal_path(
    client, curator, django_capture_on_commit_callbacks
):
    proposer = UserFactory(email="pat@example.org")
    proposal = CaseFactory(status=Case.Status.PENDING, published_at=None, proposer=proposer)
    draft = CaseFactory(draft=True)
    sent_back = CaseFactory(status=Case.Status.NEEDS_CHANGES, published_at=None, proposer=proposer)
    client.force_login(curator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/cases/case/",
            {"action": "publish", "_selected_action": [proposal.pk, draft.pk, sent_back.pk]},
            follow=True,
        )

    assert response.status_code == 200
    statuses = dict(Case.objects.values_list("pk", "status"))
    assert statuses[proposal.pk] == statuses[draft.pk] == "published"
    assert statuses[sent_back.pk] == "needs_changes"  # decided in the review queue only
    assert "decide it in the review queue" in response.text
    actions = dict(ModerationLog.objects.values_list("case_id", "action"))
    assert actions == {proposal.pk: "publish", draft.pk: "change_case_status"}
    assert [message.to for message in mail.outbox] == [["pat@example.org"]]


@pytest.mark.django_db
def test_the_admins_status_field_cannot_move_a_proposal_backwards(curator):
    proposal = CaseFactory(status=Case.Status.PENDING, published_at=None, proposer=UserFactory())
    with pytest.raises(ValidationError, match="decide it in the review queue"):
        services.change_case_status(moderator=curator, case=proposal, status="draft")
    assert Case.objects.get(pk=proposal.pk).status == "pending"


@pytest.mark.django_db
def test_the_htmx_factors_form_shows_what_was_saved(client, curator, case):
    client.force_login(curator)
    url = reverse("cases:record_factors", args=[case.slug])
    response = client.post(url, {"frequency": "every_day", "rare_expertise": "true"}, headers=HTMX)

    assert "factors are saved" in response.text
    assert '<option value="every_day" selected>' in response.text
    assert '<option value="true" selected>' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", [{"new": True}, {"verified_email": False}], ids=["new-accounts", "unverified-emails"]
)
def test_fresh_or_unverified_accounts_cannot_hide_a_comment_by_flagging(case, kind):
    comment = CommentFactory(case=case, body="A civil remark.")
    for _ in range(3):
        services.flag_comment(user=UserFactory(**kind), comment=comment, reason="spam")

    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert Flag.objects.filter(comment=comment, counts_toward_hiding=False).count() == 3


@pytest.mark.django_db
def test_three_established_accounts_still_hide_a_comment(case):
    comment = CommentFactory(case=case)
    for _ in range(2):
        services.flag_comment(user=UserFactory(new=True), comment=comment, reason="spam")
    for _ in range(3):
        services.flag_comment(user=UserFactory(), comment=comment, reason="spam")

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.hidden_params["count"] == 3
    assert "flags from 3 people" in comment.hidden_reason_text()


@pytest.mark.django_db
def test_a_curators_act_outside_a_request_is_credited_in_the_history(case, curator):
    services.close_case(moderator=curator, case=case, reason="verdict final")
    assert case.history.first().history_user == curator


@pytest.mark.django_db
def test_a_retry_after_the_case_closed_still_answers_as_the_first_post_did(
    client, case, user, curator
):
    """The earlier post is looked up before the checks: the retry finds it, not a 403."""
    client.force_login(user)
    form = {"body": "Posted just in time.", "token": str(uuid.uuid4())}
    first = client.post(comment_url(case), form)
    services.close_case(moderator=curator, case=case, reason="verdict final")

    again = client.post(comment_url(case), form)

    assert (again.status_code, again["Location"]) == (302, first["Location"])
    assert Comment.objects.count() == 1
