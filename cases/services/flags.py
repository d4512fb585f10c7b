"""Flags: readers point curators at a comment; three people's flags hide it until one decides."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Comment, Flag, ModerationLog
from cases.moderation_texts import Outcome
from cases.services.figures import comment_readability_changed
from cases.services.log import log_community, log_moderation
from cases.services.notifications import notify_comment_visibility
from cases.services.permissions import (
    check_can_participate,
    check_comment_is_open,
    check_is_curator,
)
from outsourcing.limits import is_new_account

FLAGS_TO_HIDE = 3
NOTE_MAX_LENGTH = settings.TEXT_LIMITS["reason"]
HIDING_FIELDS = ["hidden_at", "hidden_by", "hidden_reason", "hidden_code", "hidden_params"]


def check_can_flag(*, user: User, comment: Comment) -> None:
    """An active account, a published case, a comment still shown, and not one's own.

    Needs `comment.case` (select it with the comment to save a query).
    """
    check_can_participate(user=user, case=comment.case)
    check_comment_is_open(comment)
    if comment.author_id == user.pk:
        raise PermissionDenied(_("You cannot flag your own comment."))


@transaction.atomic
def flag_comment(*, user: User, comment: Comment, reason: str, note: str = "") -> Flag:
    """Flag a comment once; the flag that brings it to three people hides it."""
    # Only the comment row is locked: flags must not queue behind votes on the case.
    locked = (
        Comment.objects.select_for_update(of=("self",)).select_related("case").get(pk=comment.pk)
    )
    check_can_flag(user=user, comment=locked)
    if reason not in Flag.Reason.values:
        raise ValidationError(_("“%(reason)s” is not a reason to flag.") % {"reason": reason})
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the note to at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
        )
    if reason == Flag.Reason.OTHER and not note:
        raise ValidationError(_("Say in the note what is wrong with the comment."))
    already = ValidationError(_("You already flagged this comment."))
    if Flag.objects.filter(user=user, comment=locked).exists():
        raise already
    try:
        # The unique constraint is the backstop; the savepoint keeps the transaction usable.
        with transaction.atomic():
            flag = Flag.objects.create(
                user=user,
                comment=locked,
                reason=reason,
                note=note,
                counts_toward_hiding=flag_counts_toward_hiding(user),
            )
    except IntegrityError:
        raise already from None
    _hide_when_flagged_enough(locked)
    return flag


def flag_counts_toward_hiding(user: User) -> bool:
    """Only established accounts hide comments by flagging: a verified email and at least a
    day old. Other flags are recorded, and curators see them, but they hide nothing."""
    if is_new_account(user):
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _open_flags(comment: Comment):
    return Flag.objects.filter(comment=comment, resolved_at__isnull=True)


def _reason_codes(flags) -> list[str]:
    """The distinct reasons' codes, in the order of the choices: ["spam", "unkind"]."""
    reasons = set(flags.values_list("reason", flat=True))
    return [value for value in Flag.Reason.values if value in reasons]


def _hide_when_flagged_enough(comment: Comment) -> None:
    """Called inside flag_comment's transaction, with the comment locked."""
    if comment.is_hidden:
        return
    flags = _open_flags(comment)
    people = flags.filter(counts_toward_hiding=True).aggregate(n=Count("user", distinct=True))["n"]
    if people < FLAGS_TO_HIDE:
        return
    # Codes, not a sentence: the author and the log's readers each read it in their language.
    params = {"count": people, "reasons": _reason_codes(flags)}
    was_readable = comment.is_readable
    comment.hidden_at = timezone.now()
    comment.hidden_by = None
    comment.hidden_reason = ""
    comment.hidden_code = Comment.HiddenCode.FLAGS
    comment.hidden_params = params
    comment.save(update_fields=HIDING_FIELDS)
    comment_readability_changed(
        case_id=comment.case_id, was_readable=was_readable, is_readable=False
    )
    notify_comment_visibility(comment=comment, was_readable=was_readable, actor=None)
    log_community(
        ModerationLog.Action.HIDE_COMMENT,
        case_id=comment.case_id,
        comment=comment,
        params=params,
    )


@transaction.atomic
def resolve_flags(*, moderator: User, comment: Comment, keep: bool, reason: str = "") -> int:
    """A curator decides on all open flags of a comment: keep it (shown) or hide it.

    Keeping restores a comment that flags hid, not one a curator hid. Returns how many flags
    were resolved; with none open nothing happens and nothing is logged.
    """
    check_is_curator(moderator)
    reason = reason.strip()
    if len(reason) > NOTE_MAX_LENGTH:
        raise ValidationError(
            _("Keep the reason to at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
        )
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    was_readable = locked.is_readable
    flags = _open_flags(locked)
    reasons = _reason_codes(flags)
    count = flags.update(
        resolved_at=timezone.now(),
        resolved_by=moderator,
        resolution=Flag.Resolution.KEPT if keep else Flag.Resolution.HIDDEN,
    )
    if not count:
        return 0

    if keep:
        if locked.is_hidden and locked.hidden_by_id is None:
            locked.hidden_at = None
            locked.hidden_reason, locked.hidden_code, locked.hidden_params = "", "", {}
            locked.save(update_fields=HIDING_FIELDS)
            outcome = Outcome.SHOWN_AGAIN
        elif locked.is_hidden:
            outcome = Outcome.STAYS_HIDDEN
        else:
            outcome = Outcome.KEPT
    else:
        hidden_by_a_curator = locked.is_hidden and locked.hidden_by_id is not None
        # A curator's earlier hiding and its reason stand unless a new reason is given.
        if reason or not hidden_by_a_curator:
            locked.hidden_at = locked.hidden_at or timezone.now()
            locked.hidden_by = moderator
            if reason:  # the curator's words, as typed
                locked.hidden_reason, locked.hidden_code, locked.hidden_params = reason, "", {}
            else:
                locked.hidden_reason = ""
                locked.hidden_code = Comment.HiddenCode.CURATOR_AFTER_FLAGS
                locked.hidden_params = {"reasons": reasons}
            locked.save(update_fields=HIDING_FIELDS)
        outcome = Outcome.HIDDEN
    comment_readability_changed(
        case_id=locked.case_id, was_readable=was_readable, is_readable=locked.is_readable
    )
    notify_comment_visibility(comment=locked, was_readable=was_readable, actor=moderator)
    log_moderation(
        moderator,
        ModerationLog.Action.RESOLVE_FLAGS,
        case_id=locked.case_id,
        comment=locked,
        reason=reason,
        params={"outcome": outcome, "count": count, "reasons": reasons},
    )
    for field in ("hidden_at", "hidden_by_id", "hidden_reason", "hidden_code", "hidden_params"):
        setattr(comment, field, getattr(locked, field))
    return count
