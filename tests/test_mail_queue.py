"""Mail goes through the job queue (outsourcing/mail.py): a mail server that is down never fails
a request, the mail waits in the queue and is retried, and a rolled-back request sends nothing.

Django's test set-up replaces EMAIL_BACKEND with locmem, so this module puts the queued backend
back; its delivery backend is locmem too (settings, under tests), so mail lands in mail.outbox.
Huey runs jobs at once in tests; the `queue` fixture turns that off, and `run_worker` then does
what `manage.py run_huey` does with what is due.
"""

import datetime
import smtplib
import socket

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_COMPLETE

from accounts.models import User
from cases import services
from cases.models import Case
from outsourcing.mail import MAIL_RETRIES, MAIL_RETRY_DELAY
from tests.factories import CaseFactory, UserFactory

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DOWN = "tests.test_mail_queue.MailServerDown"
PASSWORD = "a-long-enough-passphrase"


class MailServerDown(BaseEmailBackend):
    """What smtplib raises when the server drops the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture(autouse=True)
def queued_mail(settings):
    settings.EMAIL_BACKEND = "outsourcing.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM


@pytest.fixture
def queue():
    """Huey as in production: jobs wait in the (in-memory) queue for a worker."""
    HUEY.immediate = False  # a fresh, empty queue
    yield HUEY
    HUEY.immediate = True
    HUEY.flush()


def utcnow():
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)  # as Huey counts


def run_worker(huey, now=None):
    """What `run_huey` does at time `now`: queue the scheduled jobs that are due, run the queue."""
    now = now or utcnow()
    for job in huey.read_schedule(now):
        huey.enqueue(job)
    while (job := huey.dequeue()) is not None:
        huey.execute(job, timestamp=now)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sign_up(client, username="carol"):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": f"{username}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


# --- the mail server is down --------------------------------------------------------------


def test_signup_with_the_mail_server_down_succeeds_and_the_mail_is_retried_later(
    client, db, queue, settings, django_capture_on_commit_callbacks, caplog
):
    settings.EMAIL_DELIVERY_BACKEND = DOWN
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)

    assert response.status_code == 302
    carol = User.objects.get(username="carol")
    assert EmailAddress.objects.filter(user=carol, email="carol@example.org").exists()
    assert queue.pending_count() == 1  # the address confirmation, waiting for the worker
    assert mail.outbox == []

    run_worker(queue)  # the server is still down: the job fails and is scheduled again
    assert queue.pending_count() == 0
    [retry] = queue.scheduled()
    assert retry.retries == MAIL_RETRIES - 1
    wait = retry.eta - utcnow()
    assert datetime.timedelta(seconds=MAIL_RETRY_DELAY - 5) < wait
    assert wait <= datetime.timedelta(seconds=MAIL_RETRY_DELAY)
    assert "not delivered" in caplog.text and "SMTPServerDisconnected" in caplog.text
    assert mail.outbox == []

    settings.EMAIL_DELIVERY_BACKEND = LOCMEM  # the server is back
    run_worker(queue, now=retry.eta + datetime.timedelta(seconds=1))
    assert queue.scheduled() == [] and queue.pending_count() == 0
    [message] = mail.outbox
    assert message.to == ["carol@example.org"]
    assert "/accounts/confirm-email/" in message.body


@pytest.mark.parametrize("immediate", [True, False], ids=["jobs-at-once", "jobs-queued"])
def test_password_reset_with_smtp_refusing_connections_answers_a_redirect(
    client, user, settings, django_capture_on_commit_callbacks, immediate
):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    HUEY.immediate = immediate
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/password/reset/", {"email": user.email})
        run_worker(HUEY)  # ConnectionRefusedError from the real SMTP backend

        assert response.status_code == 302
        [retry] = HUEY.scheduled()  # kept for a later try, whether run at once or by a worker
        assert retry.retries == MAIL_RETRIES - 1
        assert mail.outbox == []
    finally:
        HUEY.immediate = True
        HUEY.flush()  # the retry waiting in memory


def test_a_queue_that_cannot_be_reached_does_not_fail_the_signup(
    client, db, queue, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(queue.storage, "enqueue", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)

    assert response.status_code == 302
    assert EmailAddress.objects.filter(user__username="carol").exists()
    assert "Could not queue mail" in caplog.text and "carol@example.org" in caplog.text


# --- after the commit only ----------------------------------------------------------------


def test_mail_sent_in_a_transaction_that_rolls_back_is_never_queued(
    db, queue, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as after_commit,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_mail("Welcome", "Hello", None, ["dora@example.org"])
        raise RuntimeError("the request failed after sending")

    assert after_commit == [] and queue.pending_count() == 0
    run_worker(queue)
    assert mail.outbox == []


def test_mail_sent_in_a_transaction_is_queued_when_it_commits(
    db, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_mail("Welcome", "Hello", None, ["dora@example.org"])
        assert queue.pending_count() == 0  # not yet: the transaction may still fail
    assert queue.pending_count() == 1

    run_worker(queue)
    assert [message.subject for message in mail.outbox] == ["Welcome"]


def test_every_part_of_a_message_survives_the_queue(db, queue, django_capture_on_commit_callbacks):
    message = EmailMultiAlternatives(
        subject="Your export",
        body="Plain text",
        from_email="curators@example.org",
        to=["erin@example.org"],
        cc=["frank@example.org"],
        bcc=["audit@example.org"],
        reply_to=["help@example.org"],
        headers={"X-Case": "payroll-abroad"},
        alternatives=[("<p>HTML</p>", "text/html")],
        attachments=[("export.csv", "slug,title\n", "text/csv")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    assert queue.pending_count() == 1 and mail.outbox == []

    run_worker(queue)
    [message] = mail.outbox
    assert (message.subject, message.body, message.from_email) == (
        "Your export",
        "Plain text",
        "curators@example.org",
    )
    assert (message.to, message.cc, message.bcc, message.reply_to) == (
        ["erin@example.org"],
        ["frank@example.org"],
        ["audit@example.org"],
        ["help@example.org"],
    )
    assert message.extra_headers["X-Case"] == "payroll-abroad"
    assert [tuple(part) for part in message.alternatives] == [("<p>HTML</p>", "text/html")]
    assert [tuple(part) for part in message.attachments] == [
        ("export.csv", "slug,title\n", "text/csv")
    ]


# --- a proposal decision ------------------------------------------------------------------


def test_a_proposal_decision_mail_goes_through_the_queue_to_the_proposer(
    curator, django_capture_on_commit_callbacks
):
    proposer = UserFactory(username="paula", email="paula@example.org")
    proposal = CaseFactory(
        slug="payroll-abroad",
        title="Payroll moves abroad",
        status=Case.Status.PENDING,
        published_at=None,
        proposer=proposer,
    )
    jobs_done = []

    def record(signal, task, *args, **kwargs):
        jobs_done.append(task.name)

    HUEY.signal(SIGNAL_COMPLETE)(record)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.reject_proposal(moderator=curator, case=proposal, reason="No sources.")
    finally:
        HUEY.disconnect_signal(record, SIGNAL_COMPLETE)

    assert jobs_done == ["deliver_email"]
    [message] = mail.outbox
    assert message.to == ["paula@example.org"]
    assert message.subject == "Your proposal: Rejected"
    assert "Payroll moves abroad" in message.body and "No sources." in message.body
