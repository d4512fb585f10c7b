"""Mail through the job queue: a request never waits for, nor fails on, the mail server.

`QueuedEmailBackend` is the site's EMAIL_BACKEND. It turns each message into plain data and,
once the surrounding transaction commits, puts a `deliver_email` job on Huey; a rolled-back
request sends nothing. The worker (`manage.py run_huey`) hands the message to the real backend,
`EMAIL_DELIVERY_BACKEND` (SMTP in production, the console for `make run`), and retries it with
a doubling delay while the mail server is down: 10 retries, 1 minute to 8.5 hours apart, about
17 hours in all. A queue that cannot be reached is logged, never raised into the request.
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from huey.contrib.djhuey import task

logger = logging.getLogger(__name__)

MAIL_RETRIES = 10
MAIL_RETRY_DELAY = 60  # seconds before the first retry
MAIL_RETRY_BACKOFF = 2  # each later retry waits twice as long as the one before
MAIL_PRIORITY = 10  # people wait for these (password resets): ahead of bulk jobs


def message_to_data(message: EmailMessage) -> dict:
    """What the job needs to rebuild the message, as plain values (lazy strings resolved now,
    in the request's language)."""
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": {str(name): str(value) for name, value in message.extra_headers.items()},
        "alternatives": [
            (str(content), mimetype) for content, mimetype in getattr(message, "alternatives", [])
        ],
        # (filename, content, mimetype) tuples, or MIMEBase parts, which pickle as they are.
        "attachments": [
            attachment if not isinstance(attachment, tuple) else tuple(attachment)
            for attachment in message.attachments
        ],
        "content_subtype": message.content_subtype,
        "encoding": message.encoding,
    }


def data_to_message(data: dict, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        alternatives=data["alternatives"],
        attachments=data["attachments"],
        connection=connection,
    )
    message.content_subtype = data["content_subtype"]
    message.encoding = data["encoding"]
    return message


def _describe(data: dict) -> str:
    recipients = data["to"] + data["cc"] + data["bcc"]
    return f"{data['subject']!r} to {', '.join(recipients)}"


@task(
    retries=MAIL_RETRIES,
    retry_delay=MAIL_RETRY_DELAY,
    retry_backoff=MAIL_RETRY_BACKOFF,
    priority=MAIL_PRIORITY,
    context=True,
)
def deliver_email(data: dict, task=None) -> None:
    """The job: send one message with the real backend; raise (so Huey retries) on failure."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    try:
        connection.send_messages([data_to_message(data, connection)])
    except Exception as error:
        retries_left = task.retries if task is not None else 0
        if retries_left:
            logger.warning(
                "Mail %s not delivered (%s: %s); retry in %d s, %d retries left.",
                _describe(data), type(error).__name__, error, task.retry_delay, retries_left,
            )  # fmt: skip
        else:
            logger.error("Mail %s not delivered, giving up: %r", _describe(data), error)
        raise


def _enqueue(data: dict) -> None:
    try:
        deliver_email(data)
    except Exception:
        # The queue (SQLite file, Redis) is unreachable: the request still succeeds.
        logger.exception("Could not queue mail %s; it is not sent.", _describe(data))


class QueuedEmailBackend(BaseEmailBackend):
    """EMAIL_BACKEND: queue each message for the worker after the transaction commits."""

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                data = message_to_data(message)
            except Exception:
                logger.exception("Could not prepare mail %r for the queue.", message.subject)
                continue
            # Outside a transaction this runs at once; inside one, after it commits.
            transaction.on_commit(partial(_enqueue, data), robust=True)
            queued += 1
        return queued
