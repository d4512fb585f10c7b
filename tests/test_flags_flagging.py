"""Flags: readers flag comments (the service, the view, the fragment on the case page) and
three people's flags hide one. Fixture `comment`: tests/conftest.py."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from cases import services
from cases.models import Comment, Flag, ModerationLog
from tests.conftest import HTMX
from tests.factories import CaseFactory, CommentFactory, UserFactory
from tests.helpers_flags import flag, flag_by_people


def flag_url(comment) -> str:
    return f"/comments/{comment.pk}/flag/"


# --- the service: flagging ----------------------------------------------------------------


def test_a_flag_records_who_why_and_the_note(user, comment):
    made = flag(user, comment, "misleading", note="  The numbers are made up.  ")

    stored = Flag.objects.get()
    assert stored == made
    assert (stored.user, stored.comment, stored.reason) == (user, comment, "misleading")
    assert stored.note == "The numbers are made up."
    assert stored.resolved_at is None


def test_one_flag_per_user_and_comment(user, comment):
    flag(user, comment, "spam")

    with pytest.raises(ValidationError, match="You already flagged this comment"):
        flag(user, comment, "unkind")

    assert Flag.objects.count() == 1


def test_the_unique_constraint_is_the_backstop_when_the_check_misses_a_race(
    user, comment, monkeypatch
):
    flag(user, comment, "spam")
    # As if a second request had passed the check before the first one's row was written.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    with pytest.raises(ValidationError, match="You already flagged this comment"):
        flag(user, comment, "unkind")

    monkeypatch.undo()
    assert Flag.objects.count() == 1  # and the connection is still usable


def test_own_comment_cannot_be_flagged(other_user, comment):
    with pytest.raises(PermissionDenied, match="You cannot flag your own comment"):
        flag(other_user, comment)

    assert not Flag.objects.exists()


def test_deleted_comment_cannot_be_flagged(user, comment):
    Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now())

    with pytest.raises(PermissionDenied, match="deleted"):
        flag(user, comment)


def test_hidden_comment_cannot_be_flagged(user, curator, comment):
    services.hide_comment(moderator=curator, comment=comment, reason="Insult")

    with pytest.raises(PermissionDenied, match="hidden"):
        flag(user, comment)


def test_comment_on_an_unpublished_case_cannot_be_flagged(user, other_user):
    comment = CommentFactory(case=CaseFactory(draft=True), author=other_user)

    with pytest.raises(PermissionDenied):
        flag(user, comment)


def test_inactive_user_cannot_flag(user, comment):
    user.is_active = False
    user.save()

    with pytest.raises(PermissionDenied):
        flag(user, comment)


def test_unknown_reason_is_refused(user, comment):
    with pytest.raises(ValidationError, match="is not a reason to flag"):
        flag(user, comment, "boring")


def test_other_needs_a_note(user, comment):
    with pytest.raises(ValidationError, match="Say in the note"):
        flag(user, comment, "other", note="   ")

    assert flag(user, comment, "other", note="Advertises a product").reason == "other"


def test_note_is_at_most_300_characters(user, comment):
    with pytest.raises(ValidationError, match="300"):
        flag(user, comment, "spam", note="x" * 301)

    assert len(flag(user, comment, "spam", note="x" * 300).note) == 300


def test_two_people_flagging_do_not_hide_the_comment(comment):
    flag_by_people(comment, ["spam", "unkind"])

    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not ModerationLog.objects.exists()


def test_three_people_flagging_hide_the_comment_and_say_why(comment):
    flag_by_people(comment, ["unkind", "spam", "unkind"])

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.hidden_by is None
    # Stored as a code with its facts, not as a sentence in the third flagger's language.
    assert comment.hidden_reason == ""
    assert comment.hidden_code == Comment.HiddenCode.FLAGS == "flags"
    assert comment.hidden_params == {"count": 3, "reasons": ["spam", "unkind"]}
    # What the author is shown beside their hidden comment (in English here).
    assert comment.hidden_reason_text() == (
        "Hidden after flags from 3 people (spam, unkind). A curator will decide."
    )
    log = ModerationLog.objects.get()
    assert log.action == ModerationLog.Action.HIDE_COMMENT
    assert log.moderator is None
    assert log.by_community
    assert log.moderator_name == ""
    assert (log.case_id, log.comment_id) == (comment.case_id, comment.pk)
    assert (log.params, log.reason) == (comment.hidden_params, "")
    assert log.describe() == comment.hidden_reason_text()


def test_flags_resolved_earlier_do_not_count_again(curator, comment):
    flag_by_people(comment, ["spam", "spam", "spam"])
    services.resolve_flags(moderator=curator, comment=comment, keep=True)
    later = [UserFactory(username=f"later-{i}") for i in range(2)]

    for person in later:
        flag(person, comment, "off_topic")

    comment.refresh_from_db()
    assert comment.hidden_at is None


# --- the view -----------------------------------------------------------------------------


def test_plain_post_flags_and_redirects_to_the_comment(user_client, user, comment):
    response = user_client.post(flag_url(comment), {"reason": "unkind", "note": ""})

    assert response.status_code == 302
    assert response["Location"] == comment.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Thanks. The curators will look at it."
    ]
    assert Flag.objects.filter(user=user, comment=comment, reason="unkind").exists()


def test_htmx_post_answers_with_the_flag_fragment(user_client, user, comment):
    response = user_client.post(flag_url(comment), {"reason": "spam"}, headers=HTMX)

    assert response.status_code == 200
    assert "You flagged this comment." in response.text
    assert 'class="comment-flag"' in response.text
    assert "<form" not in response.text
    assert "<html" not in response.text
    assert Flag.objects.filter(user=user, comment=comment).exists()


def test_get_shows_the_form_page_with_a_way_back(user_client, comment, case):
    response = user_client.get(flag_url(comment))

    assert response.status_code == 200
    assert f'action="{flag_url(comment)}"' in response.text
    assert response.text.count('name="reason"') == len(Flag.Reason.values)
    assert 'name="note"' in response.text
    assert f'href="{comment.get_absolute_url()}"' in response.text
    assert '<details class="d-inline-block" open>' in response.text
    assert "You are all <em>idiots</em>." in response.text


def test_get_after_flagging_says_so(user_client, user, comment):
    flag(user, comment)

    response = user_client.get(flag_url(comment))

    assert response.status_code == 200
    assert "You flagged this comment." in response.text
    assert 'name="reason"' not in response.text


def test_anonymous_visitor_asking_for_the_form_logs_in_and_comes_back_to_it(client, comment):
    response = client.get(flag_url(comment))

    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query)["next"][0] == flag_url(comment)


def test_anonymous_flag_logs_in_and_comes_back_to_the_comment(client, comment, case):
    response = client.post(flag_url(comment), {"reason": "spam"})

    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert location.path == "/accounts/login/"
    back = parse_qs(location.query)["next"][0]
    # The comment's permalink, which leads to its place on the case page.
    assert client.get(back)["Location"] == f"{case.get_absolute_url()}#comment-{comment.pk}"
    assert not Flag.objects.exists()


def test_unknown_reason_is_a_400_with_the_reason(user_client, comment):
    response = user_client.post(flag_url(comment), {"reason": "boring"})

    assert response.status_code == 400
    assert "“boring” is not a reason to flag." in response.text
    assert f'href="{flag_url(comment)}"' in response.text
    assert not Flag.objects.exists()


def test_other_without_a_note_is_a_400(user_client, comment):
    response = user_client.post(flag_url(comment), {"reason": "other", "note": " "})

    assert response.status_code == 400
    assert "Say in the note what is wrong with the comment." in response.text


def test_htmx_refusal_comes_back_in_the_fragment(user_client, comment):
    # htmx swaps only 2xx answers: the reason must arrive as one to be seen.
    response = user_client.post(flag_url(comment), {"reason": "other"}, headers=HTMX)

    assert response.status_code == 200
    assert "Say in the note what is wrong with the comment." in response.text
    assert 'name="reason"' in response.text
    assert not Flag.objects.exists()


def test_flagging_ones_own_comment_is_a_403_with_the_reason(client, other_user, comment):
    client.force_login(other_user)

    response = client.post(flag_url(comment), {"reason": "spam"})

    assert response.status_code == 403
    assert "You cannot flag your own comment." in response.text
    assert not Flag.objects.exists()


def test_flagging_twice_is_a_400_with_the_reason(user_client, user, comment):
    flag(user, comment, "spam")

    response = user_client.post(flag_url(comment), {"reason": "unkind"})

    assert response.status_code == 400
    assert "You already flagged this comment." in response.text
    assert Flag.objects.get().reason == "spam"


def test_flagging_a_hidden_comment_is_a_403(user_client, curator, comment):
    services.hide_comment(moderator=curator, comment=comment, reason="Insult")

    response = user_client.post(flag_url(comment), {"reason": "spam"})

    assert response.status_code == 403
    assert "This comment is hidden." in response.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_comment_on_an_unpublished_case_is_a_404(user_client, other_user, method):
    comment = CommentFactory(case=CaseFactory(draft=True), author=other_user)

    response = getattr(user_client, method)(flag_url(comment), {"reason": "spam"})

    assert response.status_code == 404


def test_unknown_comment_is_a_404(user_client, db):
    assert user_client.post("/comments/999999/flag/", {"reason": "spam"}).status_code == 404


def test_third_flag_through_the_view_hides_the_comment(client, comment):
    for i in range(3):
        client.force_login(UserFactory(username=f"reader-{i}"))
        client.post(flag_url(comment), {"reason": "spam"})

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert (comment.hidden_code, comment.hidden_params) == (
        "flags",
        {"count": 3, "reasons": ["spam"]},
    )
    assert "3 people (spam)" in comment.hidden_reason_text()


# --- the fragment on the case page --------------------------------------------------------


def render_flag(user, comment, flagged=()):
    request = RequestFactory().get("/")
    request.user = user
    context = {"comment": comment, "user": user, "viewer_flagged_ids": set(flagged)}
    return render_to_string("cases/_comment_flag.html", context, request=request)


def test_fragment_offers_the_form_to_other_readers(user, comment, django_assert_num_queries):
    with django_assert_num_queries(0):  # rendered once per comment on the case page
        html = render_flag(user, comment)

    assert '<div class="comment-flag"' in html
    assert "<summary" in html
    assert f'data-hx-post="{flag_url(comment)}"' in html
    assert 'data-hx-target="closest .comment-flag"' in html
    assert "csrfmiddlewaretoken" in html


def test_fragment_says_when_the_viewer_already_flagged(user, comment):
    html = render_flag(user, comment, flagged={comment.pk})

    assert "You flagged this comment." in html
    assert "<form" not in html


def test_fragment_is_empty_for_anonymous_visitors_and_on_ones_own_comment(other_user, comment, db):
    from django.contrib.auth.models import AnonymousUser

    assert render_flag(AnonymousUser(), comment).strip() == ""
    assert render_flag(other_user, comment).strip() == ""


def test_fragment_offers_exactly_the_models_reasons():
    template = Path(settings.BASE_DIR, "templates/cases/_comment_flag.html").read_text()

    assert re.findall(r'name="reason" value="(\w+)"', template) == Flag.Reason.values
