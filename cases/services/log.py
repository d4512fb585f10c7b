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
    params: dict | None = None,
    subject: User | None = None,
) -> ModerationLog:
    """One row per moderation act; call it inside the act's transaction.

    `reason` is the curator's own words only, kept as typed; whatever the site says about the
    act goes into `params` (the keys each action reads: cases/moderation_texts.py), to be put
    into words in each reader's language when shown.
    """
    return ModerationLog.objects.create(
        moderator=moderator,
        moderator_name=moderator.get_username(),
        action=action,
        case_id=case_id,
        comment=comment,
        reason=reason,
        params=params or {},
        subject=subject,
        subject_name=subject.get_username() if subject is not None else "",
    )


def log_community(
    action: str, *, case_id: int | None, comment: Comment | None = None, params: dict
) -> ModerationLog:
    """A row for what the community's flags did: no moderator, `by_community` set."""
    return ModerationLog.objects.create(
        moderator=None,
        moderator_name="",
        by_community=True,
        action=action,
        case_id=case_id,
        comment=comment,
        params=params,
    )
