"""The moderation log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models.cases import Case
from cases.models.comments import Comment
from cases.moderation_texts import HIDDEN_BY_FLAGS, moderation_text


class ModerationLog(models.Model):
    """One row per moderation act, written in the same transaction as the act.

    A row stores what happened, never a sentence: the `action` code, the facts the site
    knows as `params` (counts, flag reason codes, status codes, a date: see
    cases/moderation_texts.py for each code's keys) and, in `reason`, only a curator's own
    words, kept as typed. `describe()` puts it into words in the reader's language.

    Who acted: a curator (`moderator`, and `moderator_name` so the log still names them after
    the account is gone), or the community, whose flags hid a comment. The latter is
    `by_community`, an explicit flag rather than a name to compare against: such a row has
    no moderator and an empty `moderator_name` (a database constraint), and the page calls
    the community by its name in the reader's language.
    """

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
        ADD_OUTCOME = "add_outcome", _("Added an outcome update")
        REMOVE_OUTCOME = "remove_outcome", _("Removed an outcome update")
        LINK_CASES = "link_cases", _("Linked related cases")
        UNLINK_CASES = "unlink_cases", _("Removed a link between cases")
        BLIND_ON = "blind_on", _("Hid the result until people vote")
        BLIND_OFF = "blind_off", _("Showed the result before people vote")
        LABEL_GROUP = "label_group", _("Named an opinion group")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("moderator"),
    )
    # Kept as text so the log still names who acted after the account is gone.
    moderator_name = models.CharField(_("moderator's name"), max_length=150, blank=True)
    by_community = models.BooleanField(_("by the community's flags"), default=False)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    comment = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )
    # The person acted upon (suspensions), named as text so the log outlives the account.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person acted upon"),
    )
    subject_name = models.CharField(_("name of the person acted upon"), max_length=150, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    reason = models.TextField(_("curator's note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="modlog_created_idx"),
            models.Index(fields=["action", "-created_at", "-id"], name="modlog_action_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(by_community=False) | Q(moderator__isnull=True, moderator_name=""),
                name="modlog_community_has_no_moderator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name()}: {self.get_action_display()}"

    def actor_name(self) -> str:
        """Who acted: the curator's name, or the community's in the reader's language."""
        return gettext("community flags") if self.by_community else self.moderator_name

    def describe(self) -> str:
        """Why, in the reader's language: the sentence for the stored code and parameters,
        with the curator's own words as typed; "" when there is nothing to say."""
        hidden_by_flags = self.by_community and self.action == self.Action.HIDE_COMMENT
        code = HIDDEN_BY_FLAGS if hidden_by_flags else self.action
        return moderation_text(code, self.params, self.reason)
