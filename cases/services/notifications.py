"""Notifications: who hears of an act, written in the act's transaction, and reading them.

The acts' services call the `notify_*` functions inside their own transaction, so that a
rolled-back act leaves no notification; like log_moderation they are not transactions of
their own. Nobody is told of their own act; inactive accounts get rows but no mail (the
digests skip them). A row keeps facts only: accounts/notification_texts.py puts them into
words in each reader's language when shown. The readers' own writes (marking read, the
digests' frequencies) are services as every write is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from itertools import islice

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import DigestPreference, Notification, User
from cases.models import Case, Comment, Vote

# Rows written per INSERT when a whole case's voters are told (a closure, an outcome update).
NOTIFY_BATCH = 1000
ALL_KINDS = "all"  # an unsubscribe link that stops every digest


def create_notifications(
    *,
    kind: str,
    user_ids: Iterable[int],
    actor: User | None,
    case_id: int | None = None,
    comment_id: int | None = None,
    params: dict | None = None,
) -> int:
    """One `kind` notification for each of `user_ids` (never the actor), bulk-created in
    batches; call it inside the act's transaction. Returns how many were written."""
    if kind not in Notification.Kind.values:
        raise ValueError(kind)
    skipped = actor.pk if actor is not None else None
    ids = (user_id for user_id in user_ids if user_id is not None and user_id != skipped)
    now = timezone.now()
    written = 0
    while batch := list(islice(ids, NOTIFY_BATCH)):
        rows = [
            Notification(
                user_id=user_id,
                kind=kind,
                case_id=case_id,
                comment_id=comment_id,
                params=params or {},
                created_at=now,
            )
            for user_id in batch
        ]
        Notification.objects.bulk_create(rows, batch_size=NOTIFY_BATCH)
        written += len(rows)
    return written


def notify_reply(*, reply: Comment) -> int:
    """The parent's author hears of a reply to their comment (not of their own reply). No
    query without a parent: a top-level comment costs nothing more."""
    if reply.parent_id is None:
        return 0
    return create_notifications(
        kind=Notification.Kind.REPLY,
        user_ids=[reply.parent.author_id],
        actor=reply.author,
        case_id=reply.case_id,
        comment_id=reply.pk,
    )


def notify_proposal_decided(*, case: Case, actor: User) -> int:
    """The proposer hears of a curator's decision on their proposal: the case's new status."""
    return create_notifications(
        kind=Notification.Kind.PROPOSAL_DECIDED,
        user_ids=[case.proposer_id],
        actor=actor,
        case_id=case.pk,
        params={"status": case.status},
    )


def notify_voters(*, case: Case, kind: str, actor: User, params: dict) -> int:
    """Everyone who voted on the case hears of `kind` (an outcome update, a closure)."""
    voters = (
        Vote.objects.filter(case=case)
        .order_by()
        .values_list("user_id", flat=True)
        .iterator(chunk_size=NOTIFY_BATCH)
    )
    return create_notifications(
        kind=kind, user_ids=voters, actor=actor, case_id=case.pk, params=params
    )


def notify_outcome_update(*, case: Case, actor: User, happened_on: date) -> int:
    return notify_voters(
        case=case,
        kind=Notification.Kind.OUTCOME_UPDATE,
        actor=actor,
        params={"date": happened_on.isoformat()},
    )


def notify_case_closed(*, case: Case, actor: User, reason: str) -> int:
    """Call it before the case is marked closed: closing a closed case again tells no one."""
    if case.is_closed:
        return 0
    return notify_voters(
        case=case, kind=Notification.Kind.CASE_CLOSED, actor=actor, params={"reason": reason}
    )


def notify_comment_visibility(*, comment: Comment, was_readable: bool, actor: User | None) -> int:
    """The author hears when their comment was hidden (with why: a curator's words, or the
    site's code and its facts) or is shown again; `actor` None: the readers' flags."""
    if comment.is_deleted or was_readable == comment.is_readable:
        return 0
    if comment.is_readable:
        kind, params = Notification.Kind.COMMENT_RESTORED, {}
    else:
        kind = Notification.Kind.COMMENT_HIDDEN
        if comment.hidden_code:
            params = {"code": comment.hidden_code, "params": comment.hidden_params}
        else:
            params = {"reason": comment.hidden_reason}
    return create_notifications(
        kind=kind,
        user_ids=[comment.author_id],
        actor=actor,
        case_id=comment.case_id,
        comment_id=comment.pk,
        params=params,
    )


# --- the reader's own writes ----------------------------------------------------------------


@transaction.atomic
def mark_notification_read(*, user: User, notification: Notification) -> Notification:
    """Only one's own; reading it again changes nothing."""
    if notification.user_id != user.pk:
        raise PermissionDenied(_("That notification is someone else's."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


@transaction.atomic
def mark_all_notifications_read(*, user: User) -> int:
    """Every unread notification of the user's; returns how many there were."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


def check_digest_choice(*, kind: str, frequency: str | None = None) -> None:
    if kind != ALL_KINDS and kind not in Notification.Kind.values:
        raise ValidationError(_("“%(value)s” is not a kind of notification.") % {"value": kind})
    if frequency is not None and frequency not in DigestPreference.Frequency.values:
        raise ValidationError(_("“%(value)s” is not a frequency.") % {"value": frequency})


@transaction.atomic
def set_digest_frequency(*, user: User, kind: str, frequency: str) -> DigestPreference:
    """How often the user gets an email digest of `kind`: never, daily or weekly. A change of
    frequency starts afresh: the next digest covers the last period."""
    check_digest_choice(kind=kind, frequency=frequency)
    if kind == ALL_KINDS:
        raise ValidationError(_("Choose a kind of notification."))
    preference, created = DigestPreference.objects.select_for_update().get_or_create(
        user=user, kind=kind, defaults={"frequency": frequency}
    )
    if not created and preference.frequency != frequency:
        preference.frequency = frequency
        preference.sent_through = None
        preference.save(update_fields=["frequency", "sent_through"])
    return preference


@transaction.atomic
def unsubscribe_from_digests(*, user: User, kind: str) -> int:
    """Stop the digest of `kind` (ALL_KINDS: every digest); returns how many were stopped."""
    check_digest_choice(kind=kind)
    preferences = DigestPreference.objects.filter(user=user).exclude(
        frequency=DigestPreference.Frequency.NEVER
    )
    if kind != ALL_KINDS:
        preferences = preferences.filter(kind=kind)
    return preferences.update(frequency=DigestPreference.Frequency.NEVER, sent_through=None)
