"""The curators' admin: hiding and restoring comments, and the moderation log's list.
Driven through the test client as a curator would use it."""

import pytest

from cases import services
from cases.models import Comment, ModerationLog
from tests.factories import CommentFactory

# --- hiding comments ----------------------------------------------------------------------


@pytest.fixture
def rude_comments(case, user, other_user):
    return [
        CommentFactory(case=case, author=user, body="You are all idiots."),
        CommentFactory(case=case, author=other_user, body="Buy cheap watches here."),
    ]


def hide(client, comments, **extra):
    data = {"action": "hide", "_selected_action": [str(c.pk) for c in comments], **extra}
    return client.post("/admin/cases/comment/", data)


def test_hide_action_first_asks_for_a_reason(curator_client, rude_comments):
    response = hide(curator_client, rude_comments)

    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert "You are all idiots." in response.text
    assert "Buy cheap watches here." in response.text
    assert all(c.hidden_at is None for c in Comment.objects.all())


def test_hide_with_a_reason_hides_logs_and_removes_the_comments_from_the_case_page(
    curator_client, curator, rude_comments, case, client
):
    hide(curator_client, rude_comments)
    response = hide(curator_client, rude_comments, apply="1", reason="Insults and spam")

    assert response.status_code == 302
    for comment in rude_comments:
        comment.refresh_from_db()
        assert comment.hidden_at is not None
        assert comment.hidden_by == curator
        assert comment.hidden_reason == "Insults and spam"
    logs = ModerationLog.objects.filter(action=ModerationLog.Action.HIDE_COMMENT)
    assert {log.comment_id for log in logs} == {c.pk for c in rude_comments}
    assert all(log.reason == "Insults and spam" for log in logs)
    client.logout()
    page = client.get(case.get_absolute_url()).text
    assert "You are all idiots." not in page
    assert "Buy cheap watches here." not in page


def test_hide_success_message_counts_the_comments(curator_client, rude_comments):
    response = curator_client.post(
        "/admin/cases/comment/",
        {
            "action": "hide",
            "_selected_action": [str(c.pk) for c in rude_comments],
            "apply": "1",
            "reason": "Spam",
        },
        follow=True,
    )

    assert "2 comments hidden." in response.text


@pytest.mark.parametrize("reason", ["", "   "])
def test_hide_without_a_reason_keeps_asking_and_hides_nothing(
    curator_client, rude_comments, reason
):
    response = hide(curator_client, rude_comments, apply="1", reason=reason)

    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 0
    assert not ModerationLog.objects.exists()


def test_restore_brings_a_hidden_comment_back_to_the_case_page(
    curator_client, curator, rude_comments, case, client
):
    comment = rude_comments[0]
    services.hide_comment(moderator=curator, comment=comment, reason="Too harsh")

    response = curator_client.post(
        "/admin/cases/comment/",
        {"action": "restore", "_selected_action": [str(comment.pk)]},
        follow=True,
    )

    assert "1 comment restored." in response.text
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert comment.hidden_reason == ""
    assert ModerationLog.objects.filter(
        comment=comment, action=ModerationLog.Action.RESTORE_COMMENT
    ).exists()
    client.logout()
    assert "You are all idiots." in client.get(case.get_absolute_url()).text


def test_staff_without_moderation_permission_cannot_hide_comments(staff_client, rude_comments):
    response = hide(staff_client, rude_comments, apply="1", reason="Because")

    assert response.status_code == 403
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 0


def test_moderation_log_lists_who_did_what(curator_client, curator, rude_comments):
    services.hide_comment(moderator=curator, comment=rude_comments[0], reason="Insult")

    response = curator_client.get("/admin/cases/moderationlog/")

    assert response.status_code == 200
    assert '<td class="field-moderator_name">curator</td>' in response.text
    assert "Insult" in response.text
    assert ModerationLog.objects.get().moderator == curator
