"""Email digests of notifications: chosen per kind on /account/ (daily, weekly, never), sent by
the worker's periodic jobs through the queued mail backend (outsourcing/mail.py), in the
reader's language, with unsubscribe links that work without logging in (signed tokens, and
the RFC 8058 one-click headers)."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from accounts.models import DigestPreference, Notification
from accounts.tasks import send_daily_digests, send_weekly_digests
from cases import services
from cases.services import digests
from cases.services.digests import send_digests, unsubscribe_token
from cases.services.hindsight import add_outcome_update
from cases.services.notifications import set_digest_frequency
from cases.services.translations import save_case_translation
from tests.conftest import HTMX
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

SETTINGS = "/account/"
UPDATE = "/account/digests/"
UNSUBSCRIBE = "/notifications/unsubscribe/"


@pytest.fixture(autouse=True)
def queued_mail(settings):
    """The site's backend: mail queued on Huey after commit (Huey runs jobs at once in tests),
    delivered by locmem into mail.outbox."""
    settings.EMAIL_BACKEND = "outsourcing.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """A digest run as the worker makes it; the mail leaves when its batch commits."""

    def send(frequency="daily", now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return send_digests(frequency=frequency, now=now)

    return send


def notify(user, kind="case_closed", case=None, ago=timedelta(hours=1), **params):
    return Notification.objects.create(
        user=user, kind=kind, case=case, params=params, created_at=timezone.now() - ago
    )


def texts_on(response) -> str:
    return response.text.replace("&#x27;", "'").replace("&quot;", '"')


def token_in(body: str, kind: str = "all") -> str:
    """The token of the unsubscribe link for `kind` in a digest's body."""
    for line in body.splitlines():
        if UNSUBSCRIBE in line:
            token = line.rsplit("?token=", 1)[1]
            if digests.read_unsubscribe_token(token)[1] == kind:
                return token
    raise AssertionError(f"no unsubscribe link for {kind}")


# --- choosing on /account/ --------------------------------------------------------------------


def test_the_settings_page_has_a_form_per_kind(user_client, user):
    set_digest_frequency(user=user, kind="reply", frequency="weekly")
    html = user_client.get(SETTINGS).text
    assert html.count('action="/account/digests/"') == len(Notification.Kind.values)
    assert '<option value="weekly" selected>Weekly</option>' in html
    assert 'id="digest-reply"' in html and 'id="digest-comment_restored"' in html


def test_choosing_a_frequency_plain(user_client, user):
    response = user_client.post(UPDATE, {"kind": "reply", "frequency": "daily"})

    assert response.status_code == 302 and response["Location"] == "/account/#digests"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Email digest of “Replies to your comments”: daily."
    ]
    assert DigestPreference.objects.get(user=user, kind="reply").frequency == "daily"


def test_choosing_a_frequency_with_htmx_swaps_the_row(user_client, user):
    set_digest_frequency(user=user, kind="case_closed", frequency="daily")

    response = user_client.post(UPDATE, {"kind": "case_closed", "frequency": "never"}, headers=HTMX)

    html = response.text
    assert html.lstrip().startswith('<li id="digest-case_closed"')
    assert "No more emails about “Closed discussions, on cases you voted on”." in html
    assert '<option value="never" selected>' in html
    assert DigestPreference.objects.get(user=user).frequency == "never"


def test_a_bad_frequency_is_400_with_the_reason_and_changes_nothing(user_client, user):
    plain = user_client.post(UPDATE, {"kind": "reply", "frequency": "hourly"})
    htmx = user_client.post(UPDATE, {"kind": "reply", "frequency": "hourly"}, headers=HTMX)
    no_kind = user_client.post(UPDATE, {"kind": "gossip", "frequency": "daily"}, headers=HTMX)

    assert plain.status_code == htmx.status_code == no_kind.status_code == 400
    assert "“hourly” is not a frequency." in plain.text
    assert "“hourly” is not a frequency." in htmx.text and 'aria-invalid="true"' in htmx.text
    assert "“gossip” is not a kind of notification." in no_kind.text
    assert not DigestPreference.objects.exists()


def test_choosing_needs_a_login(client, user):
    response = client.post(UPDATE, {"kind": "reply", "frequency": "daily"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/account/%23digests"
    assert not DigestPreference.objects.exists()


# --- what a digest holds ----------------------------------------------------------------------


def test_a_daily_digest_holds_the_unread_of_the_chosen_kinds(run, user, other_user, case, settings):
    set_digest_frequency(user=user, kind="case_closed", frequency="daily")
    set_digest_frequency(user=user, kind="outcome_update", frequency="weekly")
    notify(user, case=case, reason="Said and done.")
    notify(user, kind="outcome_update", case=case, date="2020-01-01")  # weekly, not today
    notify(user, kind="reply", case=case)  # not chosen
    read = notify(user, case=case, reason="Already read.")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    notify(user, case=case, reason="Too old.", ago=timedelta(days=2))
    notify(other_user, case=case, reason="Bob never asked.")

    assert run() == 1

    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Outsourcing verdicts: 1 new notification today"
    body = message.body
    assert "Hello alice," in body
    assert (
        "- The discussion on “Customer care goes to a call center” is closed: Said and done.\n"
        f"  {settings.SITE_URL}/cases/call-center/\n" in body
    )
    for absent in ("Already read.", "Too old.", "Bob never asked.", "replied", "happened next"):
        assert absent not in body
    assert f"All your notifications: {settings.SITE_URL}/notifications/" in body
    assert f"Choose which digests you get: {settings.SITE_URL}/account/#digests" in body


def test_the_next_run_tells_only_what_is_new(run, user, case):
    set_digest_frequency(user=user, kind="case_closed", frequency="daily")
    notify(user, case=case, reason="First.")
    now = timezone.now()
    run(now=now)
    assert run(now=now) == 0  # the same moment again: nothing new

    notify(user, case=case, reason="Second.", ago=timedelta(0))
    run(now=timezone.now() + timedelta(seconds=1))

    first, second = mail.outbox
    assert "First." in first.body
    assert "Second." in second.body and "First." not in second.body


def test_a_weekly_digest_covers_the_week(run, user, case):
    set_digest_frequency(user=user, kind="case_closed", frequency="weekly")
    notify(user, case=case, reason="Three days ago.", ago=timedelta(days=3))
    notify(user, case=case, reason="Last month.", ago=timedelta(days=30))

    assert run("daily") == 0
    assert run("weekly") == 1

    [message] = mail.outbox
    assert message.subject == "Outsourcing verdicts: 1 new notification this week"
    assert "Three days ago." in message.body and "Last month." not in message.body


def test_nobody_who_did_not_opt_in_gets_mail(run, user, case):
    notify(user, case=case, reason="Closed.")
    set_digest_frequency(user=user, kind="case_closed", frequency="never")
    assert run() == 0 and run("weekly") == 0
    assert mail.outbox == []


def test_inactive_accounts_and_accounts_without_email_get_none(run, case):
    gone = UserFactory(is_active=False)
    silent = UserFactory(email="")
    for person in (gone, silent):
        set_digest_frequency(user=person, kind="case_closed", frequency="daily")
        notify(person, case=case, reason="Closed.")
    assert run() == 0 and mail.outbox == []


def test_a_digest_is_written_in_the_readers_language(run, user, other_user, case, curator, vote):
    save_case_translation(
        case=case, language="de", title="Kundendienst im Callcenter", decision="D", summary="S",
        story="Die Geschichte.",
    )  # fmt: skip
    user.language = "de"
    user.save(update_fields=["language"])
    for person in (user, other_user):
        set_digest_frequency(user=person, kind="outcome_update", frequency="daily")
        set_digest_frequency(user=person, kind="comment_hidden", frequency="daily")
        vote(person, case, "yes")
        comment = CommentFactory(case=case, author=person)
        for flagger in UserFactory.create_batch(3):
            services.flag_comment(user=flagger, comment=comment, reason="spam")
    add_outcome_update(
        moderator=curator, case=case, happened_on=date(2020, 1, 1), text="It ended.",
        source_title="A report", language="en",
    )  # fmt: skip

    assert run() == 2

    german = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    english = next(m for m in mail.outbox if m.to == ["bob@example.org"])
    assert "Kundendienst im Callcenter" in german.body
    assert "1. Januar 2020" in german.body
    assert "Nach Meldungen von 3 Personen ausgeblendet" in german.body
    assert "Customer care goes to a call center" not in german.body
    assert "Customer care goes to a call center" in english.body
    assert "1 January 2020" in english.body
    assert "Hidden after flags from 3 people (spam)." in english.body


def test_a_long_digest_lists_the_newest_and_says_how_many_more(run, user, case, monkeypatch):
    monkeypatch.setattr(digests, "DIGEST_ITEMS_MAX", 2)
    set_digest_frequency(user=user, kind="case_closed", frequency="daily")
    for n in range(4):
        notify(user, case=case, reason=f"Number {n}.", ago=timedelta(minutes=10 - n))
    run()
    [message] = mail.outbox
    assert message.subject == "Outsourcing verdicts: 4 new notifications today"
    assert "Number 3." in message.body and "Number 2." in message.body
    assert "Number 1." not in message.body and "…and 2 more." in message.body


def test_the_worker_jobs_send_them_on_their_schedule(
    user, case, django_capture_on_commit_callbacks
):
    set_digest_frequency(user=user, kind="case_closed", frequency="weekly")
    notify(user, case=case, reason="Closed.")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.call_local() == 0
        assert send_weekly_digests.call_local() == 1
    assert len(mail.outbox) == 1
    monday, tuesday = timezone.datetime(2026, 11, 30, 6, 45), timezone.datetime(2026, 12, 1, 6, 45)
    assert send_weekly_digests.s().validate_datetime(monday)
    assert not send_weekly_digests.s().validate_datetime(tuesday)
    assert send_daily_digests.s().validate_datetime(tuesday.replace(minute=30))


# --- unsubscribing without logging in ---------------------------------------------------------


@pytest.fixture
def digest(run, user, case):
    """Alice's daily digest of closures and replies, with its links."""
    set_digest_frequency(user=user, kind="case_closed", frequency="daily")
    set_digest_frequency(user=user, kind="reply", frequency="daily")
    notify(user, case=case, reason="Closed.")
    run()
    [message] = mail.outbox
    return message


def frequencies(user) -> dict[str, str]:
    return dict(DigestPreference.objects.filter(user=user).values_list("kind", "frequency"))


def test_a_digest_carries_the_one_click_headers(digest, user, settings):
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = digest.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{settings.SITE_URL}{UNSUBSCRIBE}?token=") and header.endswith(">")
    token = header.split("?token=", 1)[1].rstrip(">")
    assert digests.read_unsubscribe_token(token) == (user.pk, "all")
    assert "Closed discussions, on cases you voted on: http" in digest.body
    assert "Every digest: http" in digest.body


def test_the_link_asks_first_and_a_get_changes_nothing(client, digest, user):
    token = token_in(digest.body, "case_closed")

    response = client.get(UNSUBSCRIBE, {"token": token})

    assert response.status_code == 200
    text = texts_on(response)
    assert "Stop the email digest of “Closed discussions, on cases you voted on”?" in text
    assert ">Unsubscribe</button>" in text
    assert frequencies(user)["case_closed"] == "daily"


def test_unsubscribing_plain_without_a_login(client, digest, user):
    token = token_in(digest.body, "case_closed")

    response = client.post(UNSUBSCRIBE, {"token": token})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Done: no more email digest of “Closed discussions, on cases you voted on”."
    ]
    assert frequencies(user) == {"case_closed": "never", "reply": "daily"}
    page = client.get(response["Location"])
    assert "You get no email digest of “Closed discussions" in texts_on(page)
    assert ">Unsubscribe</button>" not in page.text


def test_unsubscribing_with_htmx_swaps_the_box(client, digest, user):
    token = token_in(digest.body, "all")

    response = client.post(UNSUBSCRIBE, {"token": token}, headers=HTMX)

    assert response.text.lstrip().startswith('<section id="unsubscribe-box"')
    assert "Done: you get no more email digests." in response.text
    assert set(frequencies(user).values()) == {"never"}


def test_one_click_from_the_mail_program_needs_no_csrf_token(digest, user):
    header = digest.extra_headers["List-Unsubscribe"].strip("<>")
    path = header[header.index(UNSUBSCRIBE) :]
    mail_program = Client(enforce_csrf_checks=True)

    response = mail_program.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 302
    assert set(frequencies(user).values()) == {"never"}


@pytest.mark.parametrize(
    "token",
    ["", "nonsense", "eyJ1IjoxfQ:1abcde:forged-signature"],
    ids=["missing", "garbage", "forged"],
)
def test_a_bad_token_is_400_with_the_reason(client, user, token):
    set_digest_frequency(user=user, kind="reply", frequency="daily")
    for response in (client.get(UNSUBSCRIBE, {"token": token}),
                     client.post(UNSUBSCRIBE, {"token": token})):  # fmt: skip
        assert response.status_code == 400
        assert "This unsubscribe link is not valid." in response.text
        assert "account settings" in response.text
    assert frequencies(user) == {"reply": "daily"}


def test_a_token_for_another_purpose_or_kind_is_refused(client, user):
    set_digest_frequency(user=user, kind="reply", frequency="daily")
    other_salt = signing.TimestampSigner(salt="elsewhere").sign_object({"u": user.pk, "k": "all"})
    unknown_kind = unsubscribe_token(user_id=user.pk, kind="gossip")
    for token in (other_salt, unknown_kind):
        assert client.post(UNSUBSCRIBE, {"token": token}).status_code == 400
    assert frequencies(user) == {"reply": "daily"}


def test_an_expired_token_is_400_and_says_so(client, user, monkeypatch):
    set_digest_frequency(user=user, kind="reply", frequency="daily")
    long_ago = timezone.now() - digests.UNSUBSCRIBE_MAX_AGE - timedelta(days=1)
    monkeypatch.setattr(signing.time, "time", lambda: long_ago.timestamp())
    token = unsubscribe_token(user_id=user.pk, kind="reply")
    monkeypatch.undo()

    response = client.post(UNSUBSCRIBE, {"token": token})

    assert response.status_code == 400
    assert "This unsubscribe link has expired." in response.text
    assert frequencies(user) == {"reply": "daily"}


def test_a_token_of_a_closed_account_is_refused(client):
    gone = UserFactory(is_active=False)
    token = unsubscribe_token(user_id=gone.pk, kind="all")
    assert client.get(UNSUBSCRIBE, {"token": token}).status_code == 400
