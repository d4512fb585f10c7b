"""Limits on every write (settings.RATE_LIMITS, outsourcing/limits.py) and on every login form
(allauth's ACCOUNT_RATE_LIMITS): over a limit, 429 with Retry-After, the person's text kept,
nothing written."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from cases.models import Comment, Flag, Vote
from tests.conftest import HTMX
from tests.factories import PASSWORD, CaseFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("limits_on")]


@pytest.fixture
def limits_on(settings):
    settings.RATELIMIT_ENABLE = True


def comment_url(case):
    return reverse("cases:comment_create", kwargs={"slug": case.slug})


def test_a_second_comment_within_ten_seconds_is_refused_with_its_text(client, case):
    client.force_login(UserFactory())
    first = client.post(comment_url(case), {"body": "My first point."})
    assert first.status_code == 302

    second = client.post(comment_url(case), {"body": "A second point, written fast."})

    assert second.status_code == 429
    assert 1 <= int(second["Retry-After"]) <= 10
    assert "faster than this site allows" in second.text
    # The text comes back in a form that sends it again.
    assert "A second point, written fast.</textarea>" in second.text
    assert f'action="{comment_url(case)}"' in second.text
    assert "Send again" in second.text
    assert list(Comment.objects.values_list("body", flat=True)) == ["My first point."]


def test_with_htmx_the_refusal_is_a_fragment_for_the_form(client, case):
    client.force_login(UserFactory())
    client.post(comment_url(case), {"body": "My first point."}, headers=HTMX)

    second = client.post(comment_url(case), {"body": "Again, fast."}, headers=HTMX)

    assert second.status_code == 429
    assert second["X-Refusal"] == "1"
    assert "Retry-After" in second
    assert second.text.strip().startswith('<div class="alert alert-danger refusal')
    assert "<html" not in second.text
    assert Comment.objects.count() == 1


def test_a_vote_flipped_over_and_over_is_stopped_before_it_skews_the_chart(client, case):
    client.force_login(UserFactory())
    url = reverse("cases:vote", kwargs={"slug": case.slug})
    answers = [client.post(url, {"choice": "yes" if i % 2 else "no"}) for i in range(40)]

    statuses = [response.status_code for response in answers]
    assert statuses[:20] == [302] * 20  # 20 a minute per account
    assert set(statuses[20:]) == {429}
    assert Vote.objects.get().change_count == 19


def test_a_new_account_gets_tighter_limits_than_an_established_one(client):
    cases = CaseFactory.create_batch(12)
    newcomer, regular = UserFactory(new=True), UserFactory()

    def votes_by(person):
        client.force_login(person)
        url = "/cases/{}/vote/"
        return [client.post(url.format(case.slug), {"choice": "yes"}).status_code for case in cases]

    assert votes_by(newcomer) == [302] * 10 + [429] * 2  # 10 a minute in the first day
    assert votes_by(regular) == [302] * 12
    assert Vote.objects.filter(user=newcomer).count() == 10


def test_many_accounts_behind_one_address_meet_the_address_limit(client, case):
    people = UserFactory.create_batch(31)
    statuses = []
    for person in people:
        client.force_login(person)
        statuses.append(client.post(comment_url(case), {"body": "Hello."}).status_code)
    assert statuses == [302] * 30 + [429]


def test_flags_are_limited(client, case):
    comments = CommentFactory.create_batch(11, case=case)
    client.force_login(UserFactory())
    statuses = [
        client.post(f"/comments/{comment.pk}/flag/", {"reason": "spam"}).status_code
        for comment in comments
    ]
    assert statuses == [302] * 10 + [429]
    assert Flag.objects.count() == 10


def test_limits_are_off_when_turned_off(client, case, settings):
    settings.RATELIMIT_ENABLE = False
    client.force_login(UserFactory())
    for i in range(3):
        assert client.post(comment_url(case), {"body": f"Point {i}."}).status_code == 302
    assert Comment.objects.count() == 3


def test_wrong_admin_passwords_lock_the_account_out_of_the_admin(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    # The admin's own form is gone: it hands over to the site's login, which is throttled.
    assert client.get("/admin/login/")["Location"].startswith("/accounts/login/")
    form = {"login": admin.username, "password": "wrong-password"}
    for _ in range(5):
        wrong = client.post("/accounts/login/?next=/admin/", form)
        assert "The username and/or password you specified are not correct." in wrong.text

    right = client.post("/accounts/login/?next=/admin/", {**form, "password": PASSWORD})

    assert right.status_code == 200  # the form again, with the reason
    assert "Too many failed login attempts. Try again later." in right.text
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still not in


def test_posting_to_the_admins_login_form_never_logs_in(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "3/h/ip"})
def test_sign_ups_from_one_address_are_limited(client):
    def sign_up(n):
        return client.post(
            "/accounts/signup/",
            {
                "username": f"newcomer{n}",
                "email": f"newcomer{n}@example.org",
                "password1": "a-long-enough-passphrase",
                "password2": "a-long-enough-passphrase",
            },
        )

    statuses = []
    for n in range(4):
        statuses.append(sign_up(n).status_code)
        client.logout()
    assert statuses == [302, 302, 302, 429]
    assert User.objects.filter(username__startswith="newcomer").count() == 3
