from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from cases.models import Comment, MindChange, ModerationLog
from cases.threads import THREADS_PER_PAGE
from tests.conftest import HTMX
from tests.factories import CaseFactory, CommentFactory


def url(name, **kwargs):
    return reverse(f"cases:{name}", kwargs=kwargs)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def their_comment(case, other_user):
    return CommentFactory(case=case, author=other_user, body="Two firms now hold the data.")


# --- replies ---------------------------------------------------------------------------


def test_plain_reply_redirects_to_it_nested_under_its_parent(user_client, case, their_comment):
    response = user_client.post(
        url("comment_create", slug=case.slug), {"body": "Only if told.", "parent": their_comment.pk}
    )
    reply = Comment.objects.get(parent=their_comment)
    assert response.url == f"{case.get_absolute_url()}#comment-{reply.pk}"
    assert messages_of(response) == ["Your reply is posted."]
    page = user_client.get(case.get_absolute_url()).text
    assert f'id="comment-{reply.pk}" class="comment comment-level-1' in page


def test_htmx_reply_answers_with_the_thread(user_client, case, their_comment):
    response = user_client.post(
        url("comment_create", slug=case.slug),
        {"body": "Only if told.", "parent": their_comment.pk},
        headers=HTMX,
    )
    # The reply alone, in place of its form, and the comment count out of band.
    assert '<section id="comments"' not in response.text
    assert "Your reply is posted." in response.text
    assert response.text.count('<article id="comment-') == 1
    assert "comment-level-1" in response.text and "Only if told." in response.text
    assert 'id="comments-heading"' in response.text


def test_reply_form_is_a_page_without_js_and_a_fragment_with_htmx(user_client, their_comment):
    page = user_client.get(url("comment_reply", comment_id=their_comment.pk))
    fragment = user_client.get(url("comment_reply", comment_id=their_comment.pk), headers=HTMX)
    assert "<html" in page.text and "Two firms now hold the data." in page.text
    assert "<html" not in fragment.text
    assert f'name="parent" value="{their_comment.pk}"' in fragment.text


def test_empty_reply_without_js_keeps_the_reply_page(user_client, case, their_comment):
    response = user_client.post(
        url("comment_create", slug=case.slug), {"body": " ", "parent": their_comment.pk}
    )
    assert response.status_code == 200
    assert "Write something first." in response.text
    assert "Reply to a comment" in response.text


def test_reply_with_a_parent_from_another_case_is_400(user_client, case):
    elsewhere = CommentFactory(case=CaseFactory())
    response = user_client.post(
        url("comment_create", slug=case.slug), {"body": "Hi", "parent": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "reply to a comment on this case" in response.text
    assert not Comment.objects.filter(parent=elsewhere).exists()


def test_reply_to_a_deleted_comment_is_403_with_a_reason(user_client, case, their_comment):
    Comment.objects.filter(pk=their_comment.pk).update(deleted_at=timezone.now())
    response = user_client.post(
        url("comment_create", slug=case.slug), {"body": "Hi", "parent": their_comment.pk}
    )
    assert response.status_code == 403
    assert "This comment was deleted." in response.text


# --- ratings and order -----------------------------------------------------------------


def test_plain_rating_redirects_back_to_the_comment(user_client, case, their_comment):
    response = user_client.post(url("comment_rate", comment_id=their_comment.pk), {"value": "up"})
    assert response.url == f"{case.get_absolute_url()}#comment-{their_comment.pk}"
    assert messages_of(response) == ["Your rating is saved."]
    their_comment.refresh_from_db()
    assert their_comment.upvotes == 1


def test_htmx_rating_answers_with_the_comment(user_client, their_comment):
    # A day old: its score shows (a younger one's is hidden, tests/test_comment_score_delay.py).
    Comment.objects.filter(pk=their_comment.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    response = user_client.post(
        url("comment_rate", comment_id=their_comment.pk), {"value": "up"}, headers=HTMX
    )
    assert response.text.lstrip().startswith(f'<article id="comment-{their_comment.pk}"')
    assert "1 point" in response.text
    assert 'value="none" class="btn btn-sm btn-success" aria-pressed="true"' in response.text
    response = user_client.post(
        url("comment_rate", comment_id=their_comment.pk), {"value": "none"}, headers=HTMX
    )
    assert "0 points" in response.text


@pytest.mark.parametrize(("value", "status"), [("sideways", 400), ("", 400)])
def test_invalid_rating_is_400(user_client, their_comment, value, status):
    response = user_client.post(url("comment_rate", comment_id=their_comment.pk), {"value": value})
    assert response.status_code == status
    assert "rating" in response.text or "convincing" in response.text


def test_rating_ones_own_comment_is_403(user_client, case, user):
    own = CommentFactory(case=case, author=user)
    response = user_client.post(url("comment_rate", comment_id=own.pk), {"value": "up"})
    assert response.status_code == 403
    assert "You cannot rate your own comment." in response.text


def test_rating_a_deleted_comment_is_403(user_client, their_comment):
    Comment.objects.filter(pk=their_comment.pk).update(deleted_at=timezone.now())
    response = user_client.post(url("comment_rate", comment_id=their_comment.pk), {"value": "up"})
    assert response.status_code == 403


def test_anonymous_rating_goes_to_login_and_back_to_the_comment(client, their_comment):
    response = client.post(url("comment_rate", comment_id=their_comment.pk), {"value": "up"})
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next=/comments/{their_comment.pk}/"
    assert client.get(f"/comments/{their_comment.pk}/").url.endswith(f"#comment-{their_comment.pk}")


def test_order_parameter_orders_and_unknown_order_is_400(client, case):
    old = CommentFactory(case=case, body="older words")
    CommentFactory(case=case, body="newer words")
    Comment.objects.filter(pk=old.pk).update(upvotes=3)
    best, new = (
        client.get(case.get_absolute_url()),
        client.get(f"{case.get_absolute_url()}?order=new"),
    )
    assert best.text.index("older words") < best.text.index("newer words")
    assert new.text.index("newer words") < new.text.index("older words")
    response = client.get(f"{case.get_absolute_url()}?order=loudest")
    assert response.status_code == 400
    assert "is not a comment order" in response.text


# --- edit and delete -------------------------------------------------------------------


def test_author_edits_in_place_and_it_says_edited(user_client, case, user):
    own = CommentFactory(case=case, author=user, body="Frist.")
    assert user_client.get(url("comment_edit", comment_id=own.pk)).status_code == 200
    response = user_client.post(
        url("comment_edit", comment_id=own.pk), {"body": "First."}, headers=HTMX
    )
    assert response.text.lstrip().startswith(f'<article id="comment-{own.pk}"')
    assert "First." in response.text and "edited" in response.text


def test_edit_link_goes_away_after_15_minutes_and_post_is_403(user_client, case, user):
    own = CommentFactory(case=case, author=user, body="Old words.")
    edit_url = url("comment_edit", comment_id=own.pk)
    assert edit_url in user_client.get(case.get_absolute_url()).text
    later = timezone.now() + timedelta(minutes=16)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert edit_url not in user_client.get(case.get_absolute_url()).text
        assert user_client.post(edit_url, {"body": "New words."}).status_code == 403
    own.refresh_from_db()
    assert own.body == "Old words."


def test_curator_edit_asks_why_and_logs_it(curator_client, their_comment):
    edit_url = url("comment_edit", comment_id=their_comment.pk)
    response = curator_client.post(edit_url, {"body": "[removed address]"})
    assert "Say why you edit someone else" in response.text
    response = curator_client.post(edit_url, {"body": "[removed address]", "reason": "Doxxing"})
    assert response.status_code == 302
    assert ModerationLog.objects.get().reason == "Doxxing"


def test_author_deletes_and_replies_stay(user_client, case, user, other_user):
    own = CommentFactory(case=case, author=user, body="Regrettable words.")
    CommentFactory(case=case, author=other_user, parent=own, depth=1, body="A reply.")
    response = user_client.post(url("comment_delete", comment_id=own.pk))
    assert messages_of(response) == ["The comment is deleted. Replies to it stay."]
    page = user_client.get(case.get_absolute_url()).text
    assert "[deleted]" in page and "Regrettable words." not in page and "A reply." in page


def test_htmx_delete_answers_with_the_placeholder(user_client, case, user, other_user):
    own = CommentFactory(case=case, author=user)
    CommentFactory(case=case, author=other_user, parent=own, depth=1)
    response = user_client.post(url("comment_delete", comment_id=own.pk), headers=HTMX)
    assert "[deleted]" in response.text


def test_htmx_delete_without_replies_removes_the_comment(user_client, case, user):
    own = CommentFactory(case=case, author=user, body="Gone soon.")
    response = user_client.post(url("comment_delete", comment_id=own.pk), headers=HTMX)
    assert response.status_code == 200
    assert response.text == ""
    assert "Gone soon." not in user_client.get(case.get_absolute_url()).text


def test_deleting_someone_elses_comment_is_403(user_client, their_comment):
    response = user_client.post(url("comment_delete", comment_id=their_comment.pk))
    assert response.status_code == 403
    assert not Comment.objects.get(pk=their_comment.pk).is_deleted


# --- changing minds and conditions -----------------------------------------------------


def test_changed_vote_without_js_asks_which_comment_changed_the_mind(
    user_client, case, user, their_comment
):
    user_client.post(url("vote", slug=case.slug), {"choice": "yes"})
    response = user_client.post(url("vote", slug=case.slug), {"choice": "no"})
    assert response.url == url("changed_mind", slug=case.slug)
    page = user_client.get(response.url)
    assert "Did a comment change your mind?" in page.text
    assert "Two firms now hold the data." in page.text
    response = user_client.post(response.url, {"comment": their_comment.pk})
    assert response.url == f"{case.get_absolute_url()}#comment-{their_comment.pk}"
    assert "changed 1 mind" in user_client.get(case.get_absolute_url()).text
    assert MindChange.objects.get().comment == their_comment


def test_changed_vote_with_htmx_offers_the_question_in_place(user_client, case, their_comment):
    user_client.post(url("vote", slug=case.slug), {"choice": "yes"}, headers=HTMX)
    response = user_client.post(url("vote", slug=case.slug), {"choice": "no"}, headers=HTMX)
    assert "Did a comment change your mind?" in response.text
    response = user_client.post(
        url("changed_mind", slug=case.slug), {"comment": their_comment.pk}, headers=HTMX
    )
    assert "credited with changing your mind" in response.text
    assert "Did a comment change your mind?" not in response.text


def test_credit_without_a_change_is_403_and_bad_comments_are_400(
    user_client, case, user, their_comment
):
    user_client.post(url("vote", slug=case.slug), {"choice": "yes"})
    changed_mind = url("changed_mind", slug=case.slug)
    assert user_client.post(changed_mind, {"comment": their_comment.pk}).status_code == 403
    user_client.post(url("vote", slug=case.slug), {"choice": "no"})
    own = CommentFactory(case=case, author=user)
    foreign = CommentFactory(case=CaseFactory())
    for data in [{"comment": own.pk}, {"comment": foreign.pk}, {"comment": "x"}, {}]:
        assert user_client.post(changed_mind, data).status_code == 400, data
    assert user_client.post(changed_mind, {"comment": their_comment.pk}).status_code == 302
    assert user_client.post(changed_mind, {"comment": their_comment.pk}).status_code == 403


def test_changed_mind_page_without_a_change_goes_back_to_the_case(user_client, case):
    response = user_client.get(url("changed_mind", slug=case.slug))
    assert response.url == case.get_absolute_url()


def test_case_page_lists_conditions_and_the_shift(user_client, client, case, user):
    user_client.post(url("vote", slug=case.slug), {"choice": "yes"})
    user_client.post(
        url("vote", slug=case.slug), {"choice": "depends", "condition": "whether staff were told"}
    )
    page = client.get(case.get_absolute_url()).text
    assert "whether staff were told" in page
    assert "1 condition named" in page
    assert "1 person changed their mind, 1 of them toward “It depends”." in page


def test_overlong_condition_is_400(user_client, case):
    response = user_client.post(
        url("vote", slug=case.slug), {"choice": "depends", "condition": "x" * 201}
    )
    assert response.status_code == 400
    assert "at most 200 characters" in response.text


def test_a_comments_permalink_lands_on_the_page_of_its_thread(client, case):
    roots = [CommentFactory(case=case, body=f"Root {n}.") for n in range(THREADS_PER_PAGE + 5)]
    reply = CommentFactory(case=case, parent=roots[-1], body="A late reply.")
    # "best" with no ratings: oldest first, so the last thread is on page 2
    response = client.get(url("comment_permalink", comment_id=reply.pk))
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}?page=2#comment-{reply.pk}"
    assert "A late reply." in client.get(response.url).text
    first = client.get(url("comment_permalink", comment_id=roots[0].pk))
    assert first.url == f"{case.get_absolute_url()}#comment-{roots[0].pk}"
    draft_comment = CommentFactory(case=CaseFactory(draft=True))
    assert client.get(url("comment_permalink", comment_id=draft_comment.pk)).status_code == 404


@pytest.mark.parametrize("name", ["comment_reply", "comment_flag"])
def test_pages_that_answer_htmx_with_a_fragment_vary_on_it(user_client, their_comment, name):
    page = user_client.get(url(name, comment_id=their_comment.pk))
    fragment = user_client.get(url(name, comment_id=their_comment.pk), headers=HTMX)
    assert "<html" in page.text and "<html" not in fragment.text
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]


@pytest.mark.parametrize("parent", ["²", "٣", "-1", "1e3", "9" * 30])
def test_an_odd_parent_is_a_400_that_keeps_nothing(user_client, case, parent):
    response = user_client.post(
        url("comment_create", slug=case.slug), {"body": "My reply.", "parent": parent}
    )
    assert response.status_code == 400
    assert "You can only reply to a comment on this case." in response.text
    assert not Comment.objects.exists()
