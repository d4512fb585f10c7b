"""Email digests of notifications, sent by the worker (accounts/tasks.py), never in a request.

A person opts in per kind of notification, daily or weekly (DigestPreference, set on
/account/). A run for one frequency mails each such person their unread notifications of
the kinds they chose at that frequency, created since the last digest of that kind covered
(`sent_through`; the first time, the last period), in their own language, one email each;
nothing when there is nothing new. Every digest carries links that stop it without logging
in: a signed token (TimestampSigner: the account's id and the kind, or "all") in the link of
each kind and in the `List-Unsubscribe` header, which mail programs use for one click
(RFC 8058: they POST `List-Unsubscribe=One-Click` to it).

People are taken in batches, each batch in one transaction: its emails are queued
(outsourcing/mail.py) when it commits, together with the moment its digests covered.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.languages import recipient_language
from accounts.models import DigestPreference, Notification, User
from cases.selectors.notifications import with_texts
from cases.services.notifications import ALL_KINDS

PERIODS = {
    DigestPreference.Frequency.DAILY: timedelta(days=1),
    DigestPreference.Frequency.WEEKLY: timedelta(days=7),
}
DIGEST_BATCH = 200  # people per transaction
# A digest lists at most this many notifications, newest first, and says how many more.
DIGEST_ITEMS_MAX = 50
UNSUBSCRIBE_SALT = "digests.unsubscribe"
# How long an unsubscribe link works: long after the digest that carried it.
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


# --- the unsubscribe token ------------------------------------------------------------------


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.TimestampSigner(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind) from a token; signing.SignatureExpired past UNSUBSCRIBE_MAX_AGE,
    signing.BadSignature for anything else not made by unsubscribe_token."""
    signer = signing.TimestampSigner(salt=UNSUBSCRIBE_SALT)
    try:
        payload = signer.unsign_object(token, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.SignatureExpired:
        raise
    except (signing.BadSignature, ValueError, UnicodeError) as error:
        raise signing.BadSignature(str(error)) from None
    if not isinstance(payload, dict):
        raise signing.BadSignature("not a token")
    user_id, kind = payload.get("u"), payload.get("k")
    if not isinstance(user_id, int) or kind not in (ALL_KINDS, *Notification.Kind.values):
        raise signing.BadSignature("not a token")
    return user_id, kind


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    """The link that stops the digest of `kind` (ALL_KINDS: every one), absolute."""
    query = urlencode({"token": unsubscribe_token(user_id=user_id, kind=kind)}, safe=":")
    return _absolute(f"{reverse('digest_unsubscribe')}?{query}")


# --- the digests ----------------------------------------------------------------------------


def send_digests(*, frequency: str, now: datetime | None = None) -> int:
    """Mail every person who chose `frequency` for some kind their digest; returns how many
    emails were queued. For the worker; a run at the same `now` again sends nothing new."""
    if frequency not in PERIODS:
        raise ValueError(frequency)
    now = now or timezone.now()
    people = (
        DigestPreference.objects.filter(
            frequency=frequency, user__is_active=True, user__email__gt=""
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    user_ids = list(people)
    sent = 0
    for start in range(0, len(user_ids), DIGEST_BATCH):
        sent += _send_batch(user_ids[start : start + DIGEST_BATCH], frequency, now)
    return sent


@transaction.atomic
def _send_batch(user_ids: list[int], frequency: str, now: datetime) -> int:
    preferences = list(
        DigestPreference.objects.select_for_update(of=("self",))
        .filter(user_id__in=user_ids, frequency=frequency)
        .select_related("user")
    )
    since: dict[tuple[int, str], datetime] = {}
    people: dict[int, User] = {}
    for preference in preferences:
        start = preference.sent_through or now - PERIODS[frequency]
        since[(preference.user_id, preference.kind)] = start
        people[preference.user_id] = preference.user
    if not since:
        return 0
    unread = (
        Notification.objects.filter(
            user_id__in=people,
            kind__in={kind for (_user_id, kind) in since},
            read_at__isnull=True,
            created_at__gt=min(since.values()),
            created_at__lte=now,
        )
        .select_related("case", "comment__author")
        .order_by("user_id", "-created_at", "-id")
    )
    items: dict[int, list[Notification]] = defaultdict(list)
    for notification in unread:
        start = since.get((notification.user_id, notification.kind))
        if start is not None and notification.created_at > start:
            notification.user = people[notification.user_id]
            items[notification.user_id].append(notification)
    for user_id, notifications in items.items():
        send_digest(user=people[user_id], notifications=notifications, frequency=frequency)
    DigestPreference.objects.filter(pk__in=[p.pk for p in preferences]).update(sent_through=now)
    return len(items)


def send_digest(*, user: User, notifications: list[Notification], frequency: str) -> None:
    """One person's digest, written in their language; queued when the transaction commits."""
    with translation.override(recipient_language(user)):
        subject, body = _digest_text(user, notifications, frequency)
    everything = unsubscribe_url(user_id=user.pk, kind=ALL_KINDS)
    message = EmailMessage(
        subject,
        body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{everything}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


def _digest_text(user: User, notifications: list[Notification], frequency: str) -> tuple[str, str]:
    count = len(notifications)
    if frequency == DigestPreference.Frequency.DAILY:
        subject = ngettext(
            "Outsourcing verdicts: %(count)d new notification today",
            "Outsourcing verdicts: %(count)d new notifications today",
            count,
        )
        opening = _("Here is what happened since your last daily digest:")
    else:
        subject = ngettext(
            "Outsourcing verdicts: %(count)d new notification this week",
            "Outsourcing verdicts: %(count)d new notifications this week",
            count,
        )
        opening = _("Here is what happened since your last weekly digest:")
    shown = with_texts(notifications[:DIGEST_ITEMS_MAX])
    lines = [_("Hello %(name)s,") % {"name": user.get_username()}, "", opening, ""]
    for notification in shown:
        lines += [f"- {notification.text()}", f"  {_absolute(notification.target_url())}"]
    if count > len(shown):
        more = count - len(shown)
        lines.append(
            ngettext("…and %(count)d more.", "…and %(count)d more.", more) % {"count": more}
        )
    lines += [
        "",
        _("All your notifications: %(url)s") % {"url": _absolute(reverse("notifications"))},
        _("Choose which digests you get: %(url)s")
        % {"url": _absolute(f"{reverse('account_settings')}#digests")},
        "",
        _("Stop these emails, without logging in:"),
    ]
    kinds = dict(Notification.Kind.choices)
    for kind in sorted({n.kind for n in notifications}, key=list(kinds).index):
        url = unsubscribe_url(user_id=user.pk, kind=kind)
        lines.append(f"- {kinds[kind]}: {url}")
    every = _("Every digest")
    lines.append(f"- {every}: {unsubscribe_url(user_id=user.pk, kind=ALL_KINDS)}")
    return subject % {"count": count}, "\n".join(lines) + "\n"
