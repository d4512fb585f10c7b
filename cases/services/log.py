from __future__ import annotations

from accounts.models import User
from cases.models import Comment, ModerationLog


def log_moderation(
    moderator: User,
    action: str,
    *,
    case_id: int | None,
    comment: Comment | None = None,
    reason: str = "",
    subject: User | None = None,
) -> ModerationLog:
    """One row per moderation act; call it inside the act's transaction."""
    return ModerationLog.objects.create(
        moderator=moderator,
        moderator_name=moderator.get_username(),
        action=action,
        case_id=case_id,
        comment=comment,
        reason=reason,
        subject=subject,
        subject_name=subject.get_username() if subject is not None else "",
    )
