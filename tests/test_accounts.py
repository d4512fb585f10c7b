"""Accounts through django-allauth, and the public profile page."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache

from accounts.models import User
from cases import services
from cases.models import Case
from tests.factories import PASSWORD, CaseFactory, CommentFactory, VoteFactory

GOOD_PASSWORD = "a-long-enough-passphrase-42"
TOO_MANY_ATTEMPTS = "Too many failed login attempts. Try again later."


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts attempts in the cache; each test starts with a clean slate."""
    cache.clear()
    yield
    cache.clear()


def logged_in_user_id(client) -> str | None:
    return client.session.get(SESSION_KEY)


def signup(client, **overrides):
    data = {
        "username": "carol",
        "email": "carol@example.org",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(overrides)
    return client.post("/accounts/signup/", data)


def login(client, login_name, password, next_url=None):
    url = "/accounts/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": login_name, "password": password})


# --- sign-up ------------------------------------------------------------------------------


def test_signup_creates_the_account_and_logs_the_person_in(client, db):
    response = signup(client)

    assert response.status_code == 302
    carol = User.objects.get(username="carol")
    assert carol.email == "carol@example.org"
    assert carol.check_password(GOOD_PASSWORD)
    assert logged_in_user_id(client) == str(carol.pk)
    assert "carol" in client.get("/").text


def test_signup_page_has_the_four_fields(client, db):
    html = client.get("/accounts/signup/").text

    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in html


def test_signup_with_a_short_password_is_refused_and_keeps_what_was_typed(client, db):
    response = signup(client, password1="short-pw-11", password2="short-pw-11")

    assert response.status_code == 200
    assert not User.objects.filter(username="carol").exists()
    assert logged_in_user_id(client) is None
    assert "at least 12 characters" in response.text
    assert 'value="carol"' in response.text
    assert 'value="carol@example.org"' in response.text
    assert "short-pw-11" not in response.text


def test_signup_with_mismatched_passwords_is_refused(client, db):
    response = signup(client, password2=GOOD_PASSWORD + "-typo")

    assert response.status_code == 200
    assert not User.objects.filter(username="carol").exists()


def test_signup_with_an_email_already_in_use_is_refused(client, user):
    response = signup(client, email=user.email)

    assert response.status_code == 200
    assert not User.objects.filter(username="carol").exists()


# --- login and logout ---------------------------------------------------------------------


def test_login_with_username_logs_in(client, user):
    response = login(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_login_with_email_logs_in(client, user):
    response = login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_login_with_next_brings_the_person_back_to_the_case(client, user, case):
    response = login(client, "alice", PASSWORD, next_url=f"/cases/{case.slug}/")

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.slug}/"


def test_login_does_not_redirect_to_another_site(client, user):
    response = login(client, "alice", PASSWORD, next_url="https://evil.example/")

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_login_with_a_wrong_password_is_refused(client, user):
    response = login(client, "alice", "not-the-password")

    assert response.status_code == 200
    assert logged_in_user_id(client) is None
    assert "not correct" in response.text


def test_logout_by_get_only_asks_for_confirmation(client, user):
    client.force_login(user)

    response = client.get("/accounts/logout/")

    assert response.status_code == 200
    assert 'method="post"' in response.text
    assert logged_in_user_id(client) == str(user.pk)


def test_logout_by_post_logs_out(client, user):
    client.force_login(user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert logged_in_user_id(client) is None


# --- password reset -----------------------------------------------------------------------


def test_password_reset_sends_an_email_with_a_reset_link(client, user):
    response = client.post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert re.search(r"/accounts/password/reset/key/\S+", message.body)


def test_password_reset_link_lets_the_person_set_a_new_password(client, user):
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)

    form_page = client.get(link.group(1), follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    response = client.post(
        set_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-passphrase")


def test_password_reset_for_an_unknown_email_reveals_nothing_and_sends_no_reset_link(client, user):
    known = client.post("/accounts/password/reset/", {"email": user.email})
    mail.outbox.clear()

    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert all("reset/key" not in message.body for message in mail.outbox)


# --- throttling ---------------------------------------------------------------------------


def test_repeated_failed_logins_are_throttled_even_for_the_right_password(client, user):
    # allauth's default: 5 failed attempts per login name per 5 minutes (and 10/min per IP).
    responses = [login(client, "alice", f"wrong-password-{n}") for n in range(12)]

    assert all(r.status_code == 200 for r in responses)
    assert TOO_MANY_ATTEMPTS not in responses[0].text
    assert TOO_MANY_ATTEMPTS in responses[-1].text

    blocked = login(client, "alice", PASSWORD)

    assert TOO_MANY_ATTEMPTS in blocked.text
    assert logged_in_user_id(client) is None


def test_a_few_failed_logins_do_not_lock_the_person_out(client, user):
    for n in range(3):
        login(client, "alice", f"wrong-password-{n}")

    response = login(client, "alice", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_hammering_the_login_form_answers_429(client, db):
    # allauth's "login" limit: 30 POSTs per minute per IP, whatever the login name.
    statuses = [login(client, f"someone{n}", "wrong-password").status_code for n in range(35)]

    assert statuses[0] == 200
    assert statuses[-1] == 429


# --- the profile page ---------------------------------------------------------------------


def profile_votes(html: str) -> str:
    return html.split('id="votes-heading"', 1)[1].split('id="comments-heading"', 1)[0]


def profile_comments(html: str) -> str:
    return html.split('id="comments-heading"', 1)[1]


def test_profile_shows_votes_newest_first(client, user, vote):
    older = CaseFactory(title="The older case")
    newer = CaseFactory(title="The newer case")
    vote(user, older, "yes")
    vote(user, newer, "no")

    votes = profile_votes(client.get("/users/alice/").text)

    assert "2 votes" in votes
    assert votes.index("The newer case") < votes.index("The older case")


def test_changing_a_vote_moves_it_to_the_top_of_the_profile(client, user, vote):
    first = CaseFactory(title="The first case")
    second = CaseFactory(title="The second case")
    vote(user, first, "yes")
    vote(user, second, "no")
    vote(user, first, "depends")

    votes = profile_votes(client.get("/users/alice/").text)

    assert votes.index("The first case") < votes.index("The second case")


def test_profile_shows_comments_newest_first(client, user, case):
    services.add_comment(author=user, case=case, body="My first thought.")
    services.add_comment(author=user, case=case, body="My second thought.")

    comments = profile_comments(client.get("/users/alice/").text)

    assert "2 comments" in comments
    assert comments.index("My second thought.") < comments.index("My first thought.")


def test_profile_hides_hidden_comments(client, user, curator, case):
    kept = services.add_comment(author=user, case=case, body="A fair point.")
    rude = services.add_comment(author=user, case=case, body="Something rude.")
    services.hide_comment(moderator=curator, comment=rude, reason="Rude")

    comments = profile_comments(client.get("/users/alice/").text)

    assert kept.body in comments
    assert rude.body not in comments
    assert "1 comment" in comments


def test_profile_hides_votes_and_comments_on_unpublished_cases(client, user, vote, case):
    vote(user, case, "yes")
    services.add_comment(author=user, case=case, body="Visible comment.")
    draft = CaseFactory(title="Secret draft case", draft=True)
    VoteFactory(user=user, case=draft)
    CommentFactory(author=user, case=draft, body="Comment on a draft.")
    archived = CaseFactory(title="Archived case")
    vote(user, archived, "no")
    services.add_comment(author=user, case=archived, body="Comment on an archived case.")
    Case.objects.filter(pk=archived.pk).update(status=Case.Status.ARCHIVED)

    html = client.get("/users/alice/").text

    assert case.title in html
    assert "Visible comment." in html
    hidden_texts = [
        "Secret draft case",
        "Comment on a draft.",
        "Archived case",
        "Comment on an archived case.",
    ]
    for hidden in hidden_texts:
        assert hidden not in html
    assert "1 vote" in profile_votes(html)
    assert "1 comment" in profile_comments(html)


def test_profile_shows_no_votes_and_no_comments_yet(client, user):
    html = client.get("/users/alice/").text

    assert "No votes yet." in html
    assert "No comments yet." in html


def test_profile_paginates_votes(client, user, vote, settings):
    settings.PROFILE_ITEMS_PER_PAGE = 3
    cases = [CaseFactory(title=f"Voted case {n}") for n in range(4)]
    for case in cases:
        vote(user, case, "yes")

    first = profile_votes(client.get("/users/alice/").text)
    second = profile_votes(client.get("/users/alice/?votes=2").text)

    assert [f"Voted case {n}" in first for n in range(4)] == [False, True, True, True]
    assert [f"Voted case {n}" in second for n in range(4)] == [True, False, False, False]
    assert "Page 1 of 2" in first
    assert "Page 2 of 2" in second


def test_profile_paginates_comments(client, user, case, settings):
    settings.PROFILE_ITEMS_PER_PAGE = 3
    for n in range(4):
        services.add_comment(author=user, case=case, body=f"Remark number {n}.")

    first = profile_comments(client.get("/users/alice/").text)
    second = profile_comments(client.get("/users/alice/?comments=2").text)

    assert [f"Remark number {n}." in first for n in range(4)] == [False, True, True, True]
    assert [f"Remark number {n}." in second for n in range(4)] == [True, False, False, False]


def test_profile_pages_of_votes_and_comments_are_independent(client, user, case, vote, settings):
    settings.PROFILE_ITEMS_PER_PAGE = 1
    vote(user, case, "yes")
    vote(user, CaseFactory(title="Another case"), "no")
    services.add_comment(author=user, case=case, body="Older remark.")
    services.add_comment(author=user, case=case, body="Newer remark.")

    html = client.get("/users/alice/?votes=2").text

    assert case.title in profile_votes(html)
    assert "Newer remark." in profile_comments(html)


def test_profile_page_number_out_of_range_shows_the_last_page(client, user, vote, settings):
    settings.PROFILE_ITEMS_PER_PAGE = 1
    vote(user, CaseFactory(title="Only case"), "yes")

    response = client.get("/users/alice/?votes=99")

    assert response.status_code == 200
    assert "Only case" in profile_votes(response.text)


def test_profile_of_an_unknown_username_is_404(client, db):
    assert client.get("/users/nobody-here/").status_code == 404


def test_profile_of_a_deactivated_account_is_404(client, user):
    user.is_active = False
    user.save()

    assert client.get("/users/alice/").status_code == 404


def test_comment_author_name_links_to_their_profile(client, user, case):
    services.add_comment(author=user, case=case, body="Linked remark.")

    html = client.get(case.get_absolute_url()).text

    assert 'href="/users/alice/"' in html


def test_profile_escapes_case_titles_and_renders_comment_markdown_safely(client, user, vote):
    case = CaseFactory(title="<b>Bold</b> & <i>risky</i>")
    vote(user, case, "yes")
    services.add_comment(author=user, case=case, body="**Sure** <script>alert(1)</script>")

    html = client.get("/users/alice/").text

    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;i&gt;risky&lt;/i&gt;" in html
    assert "<strong>Sure</strong>" in html
    assert "<script>alert" not in html
