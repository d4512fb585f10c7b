"""Every write the site makes: small typed functions, each in one transaction.

Views call `check_*` before acting so that they can answer 403 early; the services call them
again inside the transaction, on locked rows, because that is where the answer is final.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Comment, ModerationLog, Vote

TALLY_FIELDS = {
    Vote.Choice.YES: "votes_yes",
    Vote.Choice.NO: "votes_no",
    Vote.Choice.DEPENDS: "votes_depends",
}


# --- permissions -------------------------------------------------------------------------


def check_can_participate(*, user: User, case: Case) -> None:
    """Voting and commenting: an active account on a published case."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("You need to be logged in."))
    if not case.is_published:
        raise PermissionDenied(_("This case is not open for votes or comments."))


def check_can_moderate_comments(*, user: User) -> None:
    if not (user.is_authenticated and user.is_staff and user.has_perm("cases.moderate_comment")):
        raise PermissionDenied(_("Only curators can hide or restore comments."))


def check_can_change_case_status(*, user: User) -> None:
    if not (user.is_authenticated and user.is_staff and user.has_perm("cases.change_case")):
        raise PermissionDenied(_("Only curators can publish or archive cases."))


# --- votes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteOutcome:
    vote: Vote
    previous_choice: str | None

    @property
    def is_new(self) -> bool:
        return self.previous_choice is None

    @property
    def changed(self) -> bool:
        return self.previous_choice is not None and self.previous_choice != self.vote.choice


@transaction.atomic
def cast_vote(*, user: User, case: Case, choice: str) -> VoteOutcome:
    """Record the user's verdict on a case; voting again changes it, never adds one."""
    if choice not in TALLY_FIELDS:
        raise ValidationError(_("“%(choice)s” is not an answer.") % {"choice": choice})
    # Locking the case serialises votes on it (SQLite's IMMEDIATE transactions already do),
    # so the tallies and the one-vote rule cannot race.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_participate(user=user, case=locked)

    vote = Vote.objects.filter(user=user, case=locked).first()
    if vote is None:
        vote = Vote.objects.create(user=user, case=locked, choice=choice)
        Case.objects.filter(pk=locked.pk).update(
            **{TALLY_FIELDS[choice]: F(TALLY_FIELDS[choice]) + 1}
        )
        previous = None
    elif vote.choice == choice:
        previous = choice
    else:
        previous = vote.choice
        vote.choice = choice
        vote.save(update_fields=["choice", "updated_at"])
        Case.objects.filter(pk=locked.pk).update(
            **{
                TALLY_FIELDS[previous]: F(TALLY_FIELDS[previous]) - 1,
                TALLY_FIELDS[choice]: F(TALLY_FIELDS[choice]) + 1,
            }
        )
    case.refresh_from_db(fields=list(TALLY_FIELDS.values()))
    return VoteOutcome(vote=vote, previous_choice=previous)


@dataclass(frozen=True)
class TallyDrift:
    case: Case
    stored: tuple[int, int, int]
    counted: tuple[int, int, int]


def recount_votes(*, fix: bool = True) -> list[TallyDrift]:
    """Compare every case's stored tallies with its vote rows; rewrite the ones that drifted."""
    drifts = []
    counted_cases = Case.objects.annotate(
        counted_yes=Count("votes", filter=Q(votes__choice=Vote.Choice.YES)),
        counted_no=Count("votes", filter=Q(votes__choice=Vote.Choice.NO)),
        counted_depends=Count("votes", filter=Q(votes__choice=Vote.Choice.DEPENDS)),
    ).order_by("pk")
    for case in counted_cases:
        stored = (case.votes_yes, case.votes_no, case.votes_depends)
        counted = (case.counted_yes, case.counted_no, case.counted_depends)
        if stored != counted:
            drifts.append(TallyDrift(case=case, stored=stored, counted=counted))
    if fix:
        for drift in drifts:
            _rewrite_tallies(drift.case.pk)
    return drifts


@transaction.atomic
def _rewrite_tallies(case_pk: int) -> None:
    # Counted again under the lock: votes cast since the scan above are included.
    Case.objects.select_for_update().get(pk=case_pk)
    counts = dict(
        Vote.objects.filter(case_id=case_pk)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .values_list("choice", "n")
    )
    Case.objects.filter(pk=case_pk).update(
        **{field: counts.get(choice, 0) for choice, field in TALLY_FIELDS.items()}
    )


# --- comments ----------------------------------------------------------------------------


@transaction.atomic
def add_comment(*, author: User, case: Case, body: str) -> Comment:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write something first."))
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("A comment can be at most %(max)d characters.") % {"max": settings.COMMENT_MAX_LENGTH}
        )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_participate(user=author, case=locked)
    return Comment.objects.create(case=locked, author=author, body=body)


@transaction.atomic
def hide_comment(*, moderator: User, comment: Comment, reason: str) -> Comment:
    """Take a comment off the site; it keeps its place in the data and in threads."""
    check_can_moderate_comments(user=moderator)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the comment is hidden."))
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.is_hidden:
        return locked
    locked.hidden_at = timezone.now()
    locked.hidden_by = moderator
    locked.hidden_reason = reason
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _log(
        moderator,
        ModerationLog.Action.HIDE_COMMENT,
        case_id=locked.case_id,
        comment=locked,
        reason=reason,
    )
    return locked


@transaction.atomic
def restore_comment(*, moderator: User, comment: Comment, reason: str = "") -> Comment:
    check_can_moderate_comments(user=moderator)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if not locked.is_hidden:
        return locked
    locked.hidden_at = None
    locked.hidden_by = None
    locked.hidden_reason = ""
    locked.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _log(
        moderator,
        ModerationLog.Action.RESTORE_COMMENT,
        case_id=locked.case_id,
        comment=locked,
        reason=reason.strip(),
    )
    return locked


# --- cases -------------------------------------------------------------------------------


@transaction.atomic
def change_case_status(*, moderator: User, case: Case, status: str) -> Case:
    """Move a case between draft, published and archived; publishing dates it once."""
    check_can_change_case_status(user=moderator)
    if status not in Case.Status.values:
        raise ValidationError(_("“%(status)s” is not a status.") % {"status": status})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    previous = locked.status
    locked.status = status
    if status == Case.Status.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    if previous != status:
        _log(
            moderator,
            ModerationLog.Action.CHANGE_CASE_STATUS,
            case_id=locked.pk,
            reason=f"{previous} → {status}",
        )
    case.status, case.published_at = locked.status, locked.published_at
    return locked


def _log(
    moderator: User,
    action: str,
    *,
    case_id: int | None,
    comment: Comment | None = None,
    reason: str = "",
) -> ModerationLog:
    return ModerationLog.objects.create(
        moderator=moderator,
        moderator_name=moderator.get_username(),
        action=action,
        case_id=case_id,
        comment=comment,
        reason=reason,
    )
