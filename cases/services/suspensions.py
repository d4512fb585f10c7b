"""Suspensions: curators stop a person from voting, commenting and proposing, for a while or
for good, with a reason the person is shown. Every act is logged in its own transaction."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import ModerationLog
from cases.services.log import log_moderation
from cases.services.permissions import check_is_curator, is_curator

REASON_MAX_LENGTH = User._meta.get_field("suspension_reason").max_length


def check_can_suspend(*, moderator: User, user: User) -> None:
    check_is_curator(moderator)
    if moderator.pk == user.pk:
        raise PermissionDenied(_("You cannot suspend yourself or lift your own suspension."))
    if user.is_superuser or is_curator(user):
        raise PermissionDenied(_("Administrators and curators cannot be suspended."))


def _clean_reason(reason: str, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(_("Say why the person is suspended; they will be shown it."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            _("Keep the reason to at most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        )
    return reason


def _copy_suspension(source: User, target: User) -> None:
    target.suspended_until = source.suspended_until
    target.suspended_permanently = source.suspended_permanently
    target.suspension_reason = source.suspension_reason


@transaction.atomic
def suspend_user(
    *,
    moderator: User,
    user: User,
    reason: str,
    until: datetime | None = None,
    permanently: bool = False,
) -> User:
    """Suspend `user` until `until` (in the future) or permanently; replaces any earlier
    suspension. Returns the updated user (the passed object is updated as well)."""
    check_can_suspend(moderator=moderator, user=user)
    reason = _clean_reason(reason, required=True)
    if permanently:
        until = None
    else:
        if until is None:
            raise ValidationError(_("Say until when, or suspend permanently."))
        if timezone.is_naive(until):
            until = timezone.make_aware(until)
        if until <= timezone.now():
            raise ValidationError(_("A suspension must end in the future."))

    locked = User.objects.select_for_update().get(pk=user.pk)
    # Checked again on the locked row: roles may have changed since the view looked.
    check_can_suspend(moderator=moderator, user=locked)
    locked.suspended_until = until
    locked.suspended_permanently = permanently
    locked.suspension_reason = reason
    locked.save(update_fields=["suspended_until", "suspended_permanently", "suspension_reason"])

    # The end as a moment, not a date written in the curator's language and format.
    log_moderation(
        moderator,
        ModerationLog.Action.SUSPEND,
        case_id=None,
        reason=reason,
        params={"permanently": permanently, "until": until.isoformat() if until else None},
        subject=locked,
    )
    _copy_suspension(locked, user)
    return locked


@transaction.atomic
def lift_suspension(*, moderator: User, user: User, reason: str = "") -> User:
    """End a suspension now. Lifting one that has already run out is refused."""
    check_can_suspend(moderator=moderator, user=user)
    reason = _clean_reason(reason, required=False)
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_suspended:
        raise ValidationError(_("%(name)s is not suspended.") % {"name": locked.get_username()})
    locked.suspended_until = None
    locked.suspended_permanently = False
    locked.suspension_reason = ""
    locked.save(update_fields=["suspended_until", "suspended_permanently", "suspension_reason"])
    log_moderation(
        moderator,
        ModerationLog.Action.UNSUSPEND,
        case_id=None,
        reason=reason,  # empty: the log says "Suspension lifted." in the reader's language
        subject=locked,
    )
    _copy_suspension(locked, user)
    return locked
