"""Every refused write gives the person's text back with the reason (cases/http.py `refuse`):
suspended, a case closed while the tab was open, the edit window over, the session expired,
notes that are too long, a `next` that is not a path, a database blip. Plain and with htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Comment, ModerationLog
from tests.conftest import HTMX
from tests.factories import CaseFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "A careful argument that took twenty minutes to write."


def comment_url(case):
    return reverse("cases:comment_create", kwargs={"slug": case.slug})


@pytest.fixture
def suspended(db):
    return UserFactory(
        username="sus", suspended_until=timezone.now() + timedelta(days=3), suspension_reason="spam"
    )


def test_a_suspended_members_comment_comes_back_with_the_reason(client, case, suspended):
    client.force_login(suspended)
    response = client.post(comment_url(case), {"body": TEXT})

    assert response.status_code == 403
    assert "Your account is suspended until" in response.text
    assert f"{TEXT}</textarea>" in response.text
    assert ">Your comment</label>" in response.text
    assert "Send again" not in response.text  # to keep, not to send: it would fail again
    assert not Comment.objects.exists()


def test_with_htmx_the_reason_goes_in_place_and_the_text_stays_in_the_box(client, case, suspended):
    client.force_login(suspended)
    response = client.post(comment_url(case), {"body": TEXT}, headers=HTMX)

    assert response.status_code == 403
    assert response["X-Refusal"] == "1"  # static/js/refusals.js shows it inside the form
    assert "Your account is suspended until" in response.text
    assert "<form" not in response.text  # nothing replaces the form: its text stays
    assert not Comment.objects.exists()


def test_a_comment_on_a_case_closed_meanwhile_keeps_its_text(client, case, curator):
    client.force_login(UserFactory())
    services.close_case(moderator=curator, case=case, reason="verdict final")

    response = client.post(comment_url(case), {"body": TEXT})

    assert response.status_code == 403
    assert "The discussion of this case is closed: verdict final" in response.text
    assert f"{TEXT}</textarea>" in response.text
    assert not Comment.objects.exists()


def test_an_edit_after_the_window_keeps_its_text(client, case, user):
    comment = CommentFactory(case=case, author=user, body="Old words.")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    client.force_login(user)

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": TEXT})

    assert response.status_code == 403
    assert "for 15 minutes after posting" in response.text
    assert f"{TEXT}</textarea>" in response.text
    assert Comment.objects.get().body == "Old words."


def test_suspended_members_cannot_edit_or_delete_and_see_no_controls(client, case, suspended):
    comment = CommentFactory(case=case, author=suspended, body="Mine.")
    client.force_login(suspended)

    other = CommentFactory(case=case, body="Someone else's.")
    page = client.get(case.get_absolute_url()).text
    for control in ("edit", "delete"):
        assert f"/comments/{comment.pk}/{control}/" not in page
    for control in ("reply", "flag", "vote"):
        assert f"/comments/{other.pk}/{control}/" not in page
    assert f'action="{comment_url(case)}"' not in page  # no comment form
    assert f'action="/cases/{case.slug}/vote/"' not in page  # no vote buttons
    assert "edit or delete your comments" in page  # the banner says why
    assert "so you cannot vote" in page and "so you cannot comment" in page

    edit = client.post(f"/comments/{comment.pk}/edit/", {"body": TEXT})
    delete = client.post(f"/comments/{comment.pk}/delete/")
    assert (edit.status_code, delete.status_code) == (403, 403)
    assert "Your account is suspended" in edit.text
    assert f"{TEXT}</textarea>" in edit.text
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.body, stored.deleted_at) == ("Mine.", None)


def test_a_comment_written_after_the_session_expired_survives_the_login(client, case, user):
    response = client.post(comment_url(case), {"body": TEXT})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={case.get_absolute_url()}"

    client.force_login(user)  # the session (and its draft) survive the login
    page = client.get(case.get_absolute_url()).text
    assert f"{TEXT}</textarea>" in page
    # Taken once: a reload shows an empty form again.
    assert TEXT not in client.get(case.get_absolute_url()).text
    assert not Comment.objects.exists()


def test_a_reply_written_after_the_session_expired_comes_back_in_the_reply_form(client, case, user):
    parent = CommentFactory(case=case)
    response = client.post(comment_url(case), {"body": TEXT, "parent": parent.pk})
    reply_url = f"/comments/{parent.pk}/reply/"
    assert response["Location"] == f"/accounts/login/?next={reply_url}"

    client.force_login(user)
    assert f"{TEXT}</textarea>" in client.get(reply_url).text


def test_an_over_long_flag_note_comes_back(client, case):
    comment = CommentFactory(case=case)
    client.force_login(UserFactory())
    note = "x" * 301

    plain = client.post(f"/comments/{comment.pk}/flag/", {"reason": "other", "note": note})
    htmx = client.post(
        f"/comments/{comment.pk}/flag/", {"reason": "other", "note": note}, headers=HTMX
    )

    assert plain.status_code == 400
    assert "at most 300 characters" in plain.text
    assert f"{note}</textarea>" in plain.text
    assert f">{note}</textarea>" in htmx.text  # the form again, in place, with the note
    assert 'value="other" id=' in htmx.text and "checked" in htmx.text
    assert not comment.flags.exists()


def test_publishing_with_an_over_long_note_publishes_nothing(client, curator):
    proposal = CaseFactory(status=Case.Status.PENDING, published_at=None, proposer=UserFactory())
    client.force_login(curator)
    url = reverse("cases:publish_proposal", kwargs={"slug": proposal.slug})
    note = "n" * 2001

    plain = client.post(url, {"note": note})
    htmx = client.post(url, {"note": note}, headers=HTMX)

    assert plain.status_code == 400
    assert "at most 2000 characters" in plain.text
    assert f"{note}</textarea>" in plain.text
    assert f">{note}</textarea>" in htmx.text
    proposal.refresh_from_db()
    assert proposal.status == Case.Status.PENDING
    assert not ModerationLog.objects.exists()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/a\nb"]
)
def test_a_next_that_is_not_a_local_path_is_refused_before_acting(client, curator, case, target):
    client.force_login(curator)
    url = reverse("cases:case_tool", kwargs={"slug": case.slug, "tool": "close"})

    response = client.post(url, {"reason": "verdict final", "next": target})

    assert response.status_code == 400
    assert "must be a path on this site" in response.text
    case.refresh_from_db()
    assert case.closed_at is None
    assert not ModerationLog.objects.exists()


def test_a_local_next_is_followed(client, curator, case):
    client.force_login(curator)
    url = reverse("cases:case_tool", kwargs={"slug": case.slug, "tool": "close"})
    response = client.post(url, {"reason": "verdict final", "next": "/rule-of-thumb/"})
    assert response["Location"] == "/rule-of-thumb/"


def test_a_database_blip_answers_try_again_with_the_text(client, case, user, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "add_comment", unreachable)
    client.force_login(user)

    response = client.post(comment_url(case), {"body": TEXT})

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "could not reach its database" in response.text
    assert f"{TEXT}</textarea>" in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text


def test_passwords_are_never_written_back_into_a_page(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("cases:case_tool", kwargs={"slug": "missing", "tool": "close"}),
        {"password": "hunter2-secret", "reason": "x"},
    )
    assert response.status_code == 403
    assert "hunter2-secret" not in response.text


def test_a_form_with_an_expired_security_token_keeps_its_text(case, user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(comment_url(case), {"body": TEXT, "csrfmiddlewaretoken": "stale"})

    assert response.status_code == 403
    assert "could not be checked" in response.text
    assert f"{TEXT}</textarea>" in response.text
    assert "Send again" in response.text
    assert not Comment.objects.exists()
