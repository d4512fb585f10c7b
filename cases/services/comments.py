"""Comments: posting and replying, editing, soft deletion, ratings, hiding by curators."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.markdown import render_markdown
from cases.models import Case, Comment, CommentVote, ModerationLog
from cases.services.figures import comment_readability_changed, discussion_changed
from cases.services.log import log_moderation
from cases.services.notifications import notify_comment_visibility, notify_reply
from cases.services.permissions import (
    check_can_delete_comment,
    check_can_edit_comment,
    check_can_participate,
    check_comment_is_open,
    check_is_curator,
    within_own_edit_window,
)
from cases.threads import wilson_lower_bound

MAX_DEPTH = 2  # three levels: 0, 1, 2


def clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationError(_("Write something first."))
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("A comment can be at most %(max)d characters.") % {"max": settings.COMMENT_MAX_LENGTH}
        )
    return body


def submitted_comment(*, author: User, token: uuid.UUID | str | None) -> Comment | None:
    """The comment an earlier post of the same form made (its idempotency token), if any."""
    if not token:
        return None
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return Comment.objects.filter(author=author, submission_token=token).first()


@transaction.atomic
def add_comment(
    *,
    author: User,
    case: Case,
    body: str,
    parent: Comment | None = None,
    token: uuid.UUID | None = None,
) -> Comment:
    """Post a comment, or a reply to `parent`; replies below the third level stay on it.

    `token` is the form's idempotency token: posting the same form again (a double click, a
    retry after a lost answer) returns the comment it already made, by the unique constraint on
    (author, submission_token). The view looks for that comment first (submitted_comment), so
    that a retry is answered as the first post was.
    """
    body = clean_body(body)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_participate(user=author, case=locked)
    depth = 0
    if parent is not None:
        if parent.case_id != locked.pk:
            raise ValidationError(_("That comment belongs to another case."))
        parent = Comment.objects.select_for_update().get(pk=parent.pk)
        check_comment_is_open(parent)
        depth = min(parent.depth + 1, MAX_DEPTH)
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                case=locked,
                author=author,
                body=body,
                body_html=render_markdown(body),
                parent=parent,
                root_id=(parent.root_id or parent.pk) if parent is not None else None,
                depth=depth,
                submission_token=token,
            )
    except IntegrityError:
        # The same form posted twice at the same moment (the constraint's backstop).
        return Comment.objects.get(author=author, submission_token=token)
    notify_reply(reply=comment)
    discussion_changed(locked.pk, comments=1)
    return comment


@transaction.atomic
def edit_comment(*, editor: User, comment: Comment, body: str, reason: str = "") -> Comment:
    """Authors edit within 15 minutes; curators at any time, and that is logged."""
    body = clean_body(body)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    check_can_edit_comment(user=editor, comment=locked)
    by_curator = not within_own_edit_window(editor, locked)
    if by_curator and not reason.strip():
        raise ValidationError(_("Say why you edit someone else's comment."))
    if body == locked.body:
        return locked
    locked.body = body
    locked.body_html = render_markdown(body)
    locked.edited_at = timezone.now()
    locked.save(update_fields=["body", "body_html", "edited_at"])
    discussion_changed(locked.case_id)
    if by_curator:
        log_moderation(
            editor,
            ModerationLog.Action.EDIT_COMMENT,
            case_id=locked.case_id,
            comment=locked,
            reason=reason.strip(),
        )
    return locked


@transaction.atomic
def delete_comment(*, actor: User, comment: Comment, reason: str = "") -> Comment:
    """Soft delete: the comment shows as “[deleted]” in place and its replies stay."""
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    check_can_delete_comment(user=actor, comment=locked)
    by_curator = locked.author_id != actor.pk
    if by_curator and not reason.strip():
        raise ValidationError(_("Say why you delete someone else's comment."))
    was_readable = locked.is_readable
    locked.deleted_at = locked.deleted_at or timezone.now()
    locked.save(update_fields=["deleted_at"])
    comment_readability_changed(
        case_id=locked.case_id, was_readable=was_readable, is_readable=False
    )
    if by_curator:
        log_moderation(
            actor,
            ModerationLog.Action.DELETE_COMMENT,
            case_id=locked.case_id,
            comment=locked,
            reason=reason.strip(),
        )
    return locked


@transaction.atomic
def rate_comment(*, user: User, comment: Comment, value: int | None) -> int | None:
    """Convincing (+1), not convincing (-1), or None to take the rating back."""
    if value not in (CommentVote.Value.UP, CommentVote.Value.DOWN, None):
        raise ValidationError(_("Rate a comment as convincing or not convincing."))
    locked = Comment.objects.select_for_update().select_related("case").get(pk=comment.pk)
    check_can_participate(user=user, case=locked.case)
    check_comment_is_open(locked)
    if locked.author_id == user.pk:
        raise PermissionDenied(_("You cannot rate your own comment."))
    existing = CommentVote.objects.filter(user=user, comment=locked).first()
    old_value = existing.value if existing else None
    if old_value == value:
        return value
    counters: dict[str, int] = {}
    if old_value is not None:
        field = "upvotes" if old_value == CommentVote.Value.UP else "downvotes"
        counters[field] = -1
    if value is not None:
        field = "upvotes" if value == CommentVote.Value.UP else "downvotes"
        counters[field] = 1
    if existing is None:
        CommentVote.objects.create(user=user, comment=locked, value=value)
    elif value is None:
        existing.delete()
    else:
        existing.value = value
        existing.save(update_fields=["value"])
    # The comment's lock makes the new counts certain, and so the score that follows them.
    up = locked.upvotes + counters.get("upvotes", 0)
    down = locked.downvotes + counters.get("downvotes", 0)
    Comment.objects.filter(pk=locked.pk).update(
        **{field: F(field) + amount for field, amount in counters.items()},
        wilson=wilson_lower_bound(up, down),
    )
    comment.upvotes, comment.downvotes, comment.wilson = up, down, wilson_lower_bound(up, down)
    discussion_changed(locked.case_id)
    return value


@transaction.atomic
def hide_comment(*, moderator: User, comment: Comment, reason: str) -> Comment:
    """Take a comment off the site; it keeps its place in the data and in threads."""
    check_is_curator(moderator)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the comment is hidden."))
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.is_hidden and locked.hidden_by_id is not None:
        return locked
    was_readable = locked.is_readable
    locked.hidden_at = locked.hidden_at or timezone.now()
    locked.hidden_by = moderator
    # The curator's words replace any reason the site gave (flags hid it before).
    locked.hidden_reason, locked.hidden_code, locked.hidden_params = reason, "", {}
    locked.save(
        update_fields=["hidden_at", "hidden_by", "hidden_reason", "hidden_code", "hidden_params"]
    )
    comment_readability_changed(
        case_id=locked.case_id, was_readable=was_readable, is_readable=False
    )
    notify_comment_visibility(comment=locked, was_readable=was_readable, actor=moderator)
    log_moderation(
        moderator,
        ModerationLog.Action.HIDE_COMMENT,
        case_id=locked.case_id,
        comment=locked,
        reason=reason,
    )
    return locked


@transaction.atomic
def restore_comment(*, moderator: User, comment: Comment, reason: str = "") -> Comment:
    check_is_curator(moderator)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if not locked.is_hidden:
        return locked
    locked.hidden_at = None
    locked.hidden_by = None
    locked.hidden_reason, locked.hidden_code, locked.hidden_params = "", "", {}
    locked.save(
        update_fields=["hidden_at", "hidden_by", "hidden_reason", "hidden_code", "hidden_params"]
    )
    comment_readability_changed(
        case_id=locked.case_id, was_readable=False, is_readable=locked.is_readable
    )
    notify_comment_visibility(comment=locked, was_readable=False, actor=moderator)
    log_moderation(
        moderator,
        ModerationLog.Action.RESTORE_COMMENT,
        case_id=locked.case_id,
        comment=locked,
        reason=reason.strip(),
    )
    return locked
