"""Suspensions: the service, what a suspended person can still do, suspending through the
site and what profiles show."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases import services
from cases.models import ModerationLog, Vote
from tests.conftest import HTMX
from tests.factories import CommentFactory, UserFactory
from tests.helpers_moderation import LOG_URL, REASON


def suspend_url(username):
    return reverse("cases:suspend_user", kwargs={"username": username})


def unsuspend_url(username):
    return reverse("cases:unsuspend_user", kwargs={"username": username})


@pytest.fixture
def suspended(user, curator):
    """Alice, suspended for a week by the curator."""
    services.suspend_user(
        moderator=curator, user=user, reason=REASON, until=timezone.now() + timedelta(days=7)
    )
    user.refresh_from_db()
    return user


# --- services ------------------------------------------------------------------------------


def test_suspend_for_a_period_logs_one_row(user, curator):
    until = timezone.now() + timedelta(days=7)
    services.suspend_user(moderator=curator, user=user, reason=f"  {REASON}  ", until=until)

    user.refresh_from_db()
    assert user.is_suspended
    assert user.suspended_until == until
    assert not user.suspended_permanently
    assert user.suspension_reason == REASON
    row = ModerationLog.objects.get()
    assert row.action == ModerationLog.Action.SUSPEND
    assert (row.moderator, row.moderator_name) == (curator, "curator")
    assert (row.subject, row.subject_name) == (user, "alice")
    assert row.case is None and row.comment is None
    # The curator's words as typed; the end as a moment, written out only when shown.
    assert row.reason == REASON
    assert row.params == {"permanently": False, "until": until.isoformat()}
    assert row.describe().startswith("Until ") and row.describe().endswith(f": {REASON}")
    assert str(until.year) in row.describe()


def test_suspend_permanently(user, curator):
    services.suspend_user(moderator=curator, user=user, reason=REASON, permanently=True)

    user.refresh_from_db()
    assert user.is_suspended and user.suspended_permanently
    assert user.suspended_until is None
    row = ModerationLog.objects.get()
    assert (row.reason, row.params) == (REASON, {"permanently": True, "until": None})
    assert row.describe() == f"Permanently: {REASON}"


def test_the_passed_user_object_is_updated(user, curator):
    services.suspend_user(moderator=curator, user=user, reason=REASON, permanently=True)
    assert user.is_suspended


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(user, curator, reason):
    with pytest.raises(ValidationError):
        services.suspend_user(moderator=curator, user=user, reason=reason, permanently=True)
    user.refresh_from_db()
    assert not user.is_suspended
    assert not ModerationLog.objects.exists()


def test_a_too_long_reason_is_refused(user, curator):
    with pytest.raises(ValidationError):
        services.suspend_user(moderator=curator, user=user, reason="x" * 301, permanently=True)


@pytest.mark.parametrize("until", [None, timedelta(days=-1), timedelta(0)])
def test_the_end_must_be_in_the_future(user, curator, until):
    end = None if until is None else timezone.now() + until
    with pytest.raises(ValidationError):
        services.suspend_user(moderator=curator, user=user, reason=REASON, until=end)
    assert not ModerationLog.objects.exists()


def test_only_curators_suspend(user, other_user, staff_without_group):
    for moderator in (other_user, staff_without_group):
        with pytest.raises(PermissionDenied):
            services.suspend_user(moderator=moderator, user=user, reason=REASON, permanently=True)
    user.refresh_from_db()
    assert not user.is_suspended


def test_a_curator_cannot_suspend_themselves(curator):
    with pytest.raises(PermissionDenied, match="yourself"):
        services.suspend_user(moderator=curator, user=curator, reason=REASON, permanently=True)


def test_curators_and_superusers_cannot_be_suspended(curator, curators_group):
    other_curator = UserFactory(username="curator2", is_staff=True)
    other_curator.groups.add(curators_group)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    for person in (other_curator, admin):
        with pytest.raises(PermissionDenied, match="cannot be suspended"):
            services.suspend_user(moderator=curator, user=person, reason=REASON, permanently=True)
    assert not ModerationLog.objects.exists()


def test_the_log_keeps_the_names_after_the_accounts_are_gone(suspended, curator):
    suspended.delete()
    curator.delete()
    row = ModerationLog.objects.get()
    assert row.subject is None and row.moderator is None
    assert (row.subject_name, row.moderator_name) == ("alice", "curator")


def test_lift_a_suspension(suspended, curator):
    services.lift_suspension(moderator=curator, user=suspended, reason="Apologised.")

    suspended.refresh_from_db()
    assert not suspended.is_suspended
    assert suspended.suspended_until is None and suspended.suspension_reason == ""
    row = ModerationLog.objects.first()
    assert row.action == ModerationLog.Action.UNSUSPEND
    assert (row.subject_name, row.reason) == ("alice", "Apologised.")
    assert row.describe() == "Apologised."
    assert ModerationLog.objects.count() == 2


def test_lifting_without_a_reason_stores_none_and_says_so_when_shown(suspended, curator):
    services.lift_suspension(moderator=curator, user=suspended)

    row = ModerationLog.objects.first()
    assert (row.action, row.reason, row.params) == ("unsuspend", "", {})
    assert row.describe() == "Suspension lifted."


def test_lifting_needs_a_suspension_and_a_curator(user, other_user, curator):
    with pytest.raises(ValidationError, match="not suspended"):
        services.lift_suspension(moderator=curator, user=user)
    services.suspend_user(moderator=curator, user=user, reason=REASON, permanently=True)
    with pytest.raises(PermissionDenied):
        services.lift_suspension(moderator=other_user, user=user)
    assert ModerationLog.objects.count() == 1


# --- a suspended person --------------------------------------------------------------------


@pytest.fixture
def others_comment(case, other_user):
    return CommentFactory(case=case, author=other_user, body="Bob thinks it paid off.")


@pytest.mark.parametrize("action", ["vote", "comment", "rate", "flag"])
def test_a_suspended_persons_posts_are_refused_with_the_reason(
    client, suspended, case, others_comment, action
):
    client.force_login(suspended)
    url, data = {
        "vote": (reverse("cases:vote", kwargs={"slug": case.slug}), {"choice": "yes"}),
        "comment": (
            reverse("cases:comment_create", kwargs={"slug": case.slug}),
            {"body": "Let me in."},
        ),
        "rate": (
            reverse("cases:comment_rate", kwargs={"comment_id": others_comment.pk}),
            {"value": "up"},
        ),
        "flag": (
            reverse("cases:comment_flag", kwargs={"comment_id": others_comment.pk}),
            {"reason": "spam"},
        ),
    }[action]

    for headers in ({}, HTMX):
        response = client.post(url, data, headers=headers)
        assert response.status_code == 403
        assert REASON in response.content.decode()

    assert not Vote.objects.exists()
    assert case.comments.count() == 1
    others_comment.refresh_from_db()
    assert others_comment.upvotes == 0
    assert not others_comment.flags.exists()


def test_a_suspended_person_still_reads_and_sees_the_banner(client, suspended, case):
    client.force_login(suspended)
    for url in (reverse("cases:list"), case.get_absolute_url(), LOG_URL):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Your account is suspended until" in page
        assert REASON in page
        assert (
            "You can read, but not vote, comment, edit or delete your comments, flag or propose."
            in page
        )


def test_others_do_not_see_the_banner(user_client, case):
    assert "Your account is suspended" not in user_client.get(case.get_absolute_url()).text


def test_after_the_period_they_can_vote_again(client, suspended, case):
    User.objects.filter(pk=suspended.pk).update(
        suspended_until=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(suspended)
    response = client.post(reverse("cases:vote", kwargs={"slug": case.slug}), {"choice": "yes"})
    assert response.status_code == 302
    assert Vote.objects.filter(user=suspended, case=case).exists()
    assert "Your account is suspended" not in client.get(case.get_absolute_url()).text


# --- suspending through the site -----------------------------------------------------------


def test_the_suspend_form(curator_client, user):
    response = curator_client.get(suspend_url("alice"))
    assert response.status_code == 200
    assert '<option value="permanent">' in response.text
    assert "1 day" in response.text and "30 days" in response.text


def test_suspend_plain_redirects_to_the_profile_with_a_message(curator_client, user):
    response = curator_client.post(suspend_url("alice"), {"duration": "7", "reason": REASON})
    assert response.status_code == 302
    assert response.url == user.get_absolute_url()
    user.refresh_from_db()
    assert user.is_suspended and not user.suspended_permanently
    assert timedelta(days=6) < user.suspended_until - timezone.now() <= timedelta(days=7)
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "alice is suspended until" in message


def test_suspend_with_htmx_answers_a_partial(curator_client, user):
    response = curator_client.post(
        suspend_url("alice"), {"duration": "permanent", "reason": REASON}, headers=HTMX
    )
    assert response.status_code == 200
    assert "alice is suspended permanently." in response.text
    assert "<html" not in response.text
    user.refresh_from_db()
    assert user.suspended_permanently


def test_suspend_without_a_reason_shows_the_form_again(curator_client, user):
    response = curator_client.post(suspend_url("alice"), {"duration": "7", "reason": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    htmx = curator_client.post(
        suspend_url("alice"), {"duration": "forever", "reason": REASON}, headers=HTMX
    )
    assert htmx.status_code == 200 and "<html" not in htmx.text
    user.refresh_from_db()
    assert not user.is_suspended
    assert not ModerationLog.objects.exists()


def test_unsuspend_plain_and_htmx(curator_client, suspended):
    response = curator_client.post(unsuspend_url("alice"))
    assert response.status_code == 302 and response.url == suspended.get_absolute_url()
    suspended.refresh_from_db()
    assert not suspended.is_suspended

    again = curator_client.post(unsuspend_url("alice"), headers=HTMX)
    assert again.status_code == 200 and "alice is not suspended." in again.text
    assert curator_client.post(unsuspend_url("alice")).status_code == 400


def test_non_curators_get_403(user_client, other_user, suspended):
    assert user_client.get(suspend_url("bob")).status_code == 403
    response = user_client.post(suspend_url("bob"), {"duration": "7", "reason": REASON})
    assert response.status_code == 403
    assert user_client.post(unsuspend_url("alice")).status_code == 403
    other_user.refresh_from_db()
    assert not other_user.is_suspended


def test_a_curator_cannot_suspend_a_curator_through_the_site(curator_client, curator):
    response = curator_client.get(suspend_url("curator"))
    assert response.status_code == 403
    assert "yourself" in response.text


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, user, method):
    response = getattr(client, method)(suspend_url("alice"))
    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == reverse("account_login")
    expected = suspend_url("alice") if method == "get" else user.get_absolute_url()
    assert parse_qs(target.query)["next"] == [expected]
    unsuspend = client.post(unsuspend_url("alice"))
    assert parse_qs(urlparse(unsuspend.url).query)["next"] == [user.get_absolute_url()]


def test_unknown_people_are_404(curator_client):
    assert curator_client.get(suspend_url("nobody")).status_code == 404


# --- the profile ---------------------------------------------------------------------------


def test_curators_see_suspend_or_lift_on_profiles(curator_client, user):
    page = curator_client.get(user.get_absolute_url()).text
    assert f'href="{suspend_url("alice")}"' in page
    assert unsuspend_url("alice") not in page

    services.suspend_user(
        moderator=User.objects.get(username="curator"), user=user, reason=REASON, permanently=True
    )
    page = curator_client.get(user.get_absolute_url()).text
    assert unsuspend_url("alice") in page and "Lift suspension" in page
    assert "Suspended permanently" in page


def test_everyone_sees_the_suspension_only_the_person_sees_the_reason(
    client, suspended, other_user
):
    page = client.get(suspended.get_absolute_url()).text
    assert "Suspended until" in page
    assert REASON not in page
    assert suspend_url("alice") not in page

    client.force_login(suspended)
    assert REASON in client.get(suspended.get_absolute_url()).text
