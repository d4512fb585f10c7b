"""Who may do what. Views call these before any write; services call them again on locked rows."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Comment

EDIT_WINDOW = timedelta(minutes=15)


def is_curator(user: User) -> bool:
    """The one rule for who curates: an active staff account with the curators' permission
    (the `curators` group grants it; superusers have every permission)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("cases.moderate_comment")
    )


def check_is_curator(user: User) -> None:
    """Every curator view (through `curator_required`) and every curator service calls this."""
    if not is_curator(user):
        raise PermissionDenied(_("Only curators can do this."))


def check_not_suspended(user: User) -> None:
    """A suspended person reads but does not write; they are told why and until when."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("You need to be logged in."))
    if user.is_suspended:
        raise PermissionDenied(suspension_message(user))


def suspension_message(user: User) -> str:
    if user.suspended_permanently:
        return _("Your account is suspended: %(reason)s") % {"reason": user.suspension_reason}
    return _("Your account is suspended until %(until)s: %(reason)s") % {
        "until": date_format(timezone.localtime(user.suspended_until), "DATETIME_FORMAT"),
        "reason": user.suspension_reason,
    }


def check_can_participate(*, user: User, case: Case) -> None:
    """Voting, commenting, rating and flagging: an active, unsuspended account on a
    published case that is not closed."""
    check_not_suspended(user)
    if not case.is_published:
        raise PermissionDenied(_("This case is not open for votes or comments."))
    if case.is_closed:
        raise PermissionDenied(
            _("The discussion of this case is closed: %(reason)s") % {"reason": case.closed_reason}
        )


def within_own_edit_window(user: User, comment: Comment) -> bool:
    """The author's own 15 minutes; edits outside them are curators' and get logged."""
    return (
        user.is_authenticated
        and comment.author_id == user.pk
        and not comment.is_hidden
        and timezone.now() - comment.created_at <= EDIT_WINDOW
    )


def can_edit_comment(user: User, comment: Comment) -> bool:
    """Whether the edit control is shown: a suspended author sees none (the banner says why)."""
    if not user.is_authenticated or comment.is_deleted:
        return False
    if is_curator(user):
        return True
    return not user.is_suspended and within_own_edit_window(user, comment)


def check_can_edit_comment(*, user: User, comment: Comment) -> None:
    if not is_curator(user):
        check_not_suspended(user)
    if not can_edit_comment(user, comment):
        raise PermissionDenied(
            _("Comments can be edited by their author for 15 minutes after posting.")
        )


def can_delete_comment(user: User, comment: Comment) -> bool:
    if not user.is_authenticated or comment.is_deleted:
        return False
    if is_curator(user):
        return True
    return not user.is_suspended and comment.author_id == user.pk


def check_can_delete_comment(*, user: User, comment: Comment) -> None:
    if not is_curator(user):
        check_not_suspended(user)
    if not can_delete_comment(user, comment):
        raise PermissionDenied(_("Only the author or a curator can delete this comment."))


def check_comment_is_open(comment: Comment) -> None:
    """Replies, ratings and flags need a comment that is still shown."""
    if comment.is_deleted:
        raise PermissionDenied(_("This comment was deleted."))
    if comment.is_hidden:
        raise PermissionDenied(_("This comment is hidden."))
