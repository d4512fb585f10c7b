"""The moderation log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models.cases import Case
from cases.models.comments import Comment


class ModerationLog(models.Model):
    """One row per moderation act, written in the same transaction as the act."""

    class Action(models.TextChoices):
        HIDE_COMMENT = "hide_comment", _("Hid a comment")
        RESTORE_COMMENT = "restore_comment", _("Restored a comment")
        EDIT_COMMENT = "edit_comment", _("Edited a comment")
        DELETE_COMMENT = "delete_comment", _("Deleted a comment")
        RESOLVE_FLAGS = "resolve_flags", _("Resolved flags")
        CHANGE_CASE_STATUS = "change_case_status", _("Changed a case's status")
        PUBLISH = "publish", _("Published a proposal")
        SEND_BACK = "send_back", _("Sent a proposal back")
        REJECT = "reject", _("Rejected a proposal")
        FEATURE = "feature", _("Featured a case")
        UNFEATURE = "unfeature", _("Stopped featuring a case")
        CLOSE = "close", _("Closed a case")
        REOPEN = "reopen", _("Reopened a case")
        SUSPEND = "suspend", _("Suspended a user")
        UNSUSPEND = "unsuspend", _("Lifted a suspension")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Kept as text so the log still names who acted after the account is gone.
    moderator_name = models.CharField(max_length=150)
    action = models.CharField(max_length=32, choices=Action.choices)
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person acted upon (suspensions), named as text so the log outlives the account.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="modlog_created_idx"),
            models.Index(fields=["action", "-created_at", "-id"], name="modlog_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.moderator_name}: {self.get_action_display()}"
