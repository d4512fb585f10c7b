"""Comments, their ratings, the minds they changed, and readers' flags."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models.cases import Case
from cases.models.votes import Vote
from cases.moderation_texts import (
    HIDDEN_BY_CURATOR_AFTER_FLAGS,
    HIDDEN_BY_FLAGS,
    moderation_text,
)
from cases.querysets import CommentQuerySet


class Comment(models.Model):
    class HiddenCode(models.TextChoices):
        """Why the site hid a comment, put into words when shown (cases/moderation_texts.py).
        Empty when it is not hidden or a curator hid it in their own words (`hidden_reason`)."""

        FLAGS = HIDDEN_BY_FLAGS, _("hidden by readers' flags")
        CURATOR_AFTER_FLAGS = HIDDEN_BY_CURATOR_AFTER_FLAGS, _("hidden by a curator after flags")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="comments", verbose_name=_("case")
    )
    # SET_NULL keeps the thread when an account goes away.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
        verbose_name=_("author"),
    )
    # Replies nest three levels deep (depth 0, 1, 2); deeper replies attach to level 2.
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("reply to"),
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    # The top-level comment of the thread (NULL on a top-level comment itself): a page of
    # threads loads its replies with one indexed `root_id IN (…)`.
    root = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thread"),
    )
    body = models.TextField(_("comment"), max_length=settings.COMMENT_MAX_LENGTH)
    # The body as sanitised HTML, rendered when it is written or edited (cases/markdown.py).
    body_html = models.TextField(_("comment as HTML"), blank=True, editable=False)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Soft delete: the row and its place in the thread stay, the text is no longer shown.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # Server-owned counters, changed by services in the same transaction as their rows.
    upvotes = models.PositiveIntegerField(_("convincing"), default=0)
    downvotes = models.PositiveIntegerField(_("not convincing"), default=0)
    minds_changed = models.PositiveIntegerField(_("minds changed"), default=0)
    # Wilson lower bound of the "convincing" share (threads.wilson_lower_bound), stored with
    # the ratings so that "best" is an ORDER BY on an indexed column.
    wilson = models.FloatField(_("ranking score"), default=0.0, editable=False)
    # How convincing readers from different opinion groups found it (cases/bridging.py), and
    # from how many groups it has enough ratings: stored when the groups are computed, read
    # by the `bridging` order; NULL before any computation.
    bridging = models.FloatField(_("bridging score"), null=True, editable=False)
    bridging_groups = models.PositiveSmallIntegerField(
        _("groups that rated it"), default=0, editable=False
    )
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    # Why it is hidden: a curator's own words as typed, or (never both) a code the site
    # wrote with its parameters, put into the reader's language by hidden_reason_text().
    hidden_reason = models.CharField(
        _("reason for hiding"), max_length=settings.TEXT_LIMITS["reason"], blank=True
    )
    hidden_code = models.CharField(
        _("hidden by the site because"), max_length=24, choices=HiddenCode.choices, blank=True
    )
    hidden_params = models.JSONField(_("parameters of the reason"), default=dict, blank=True)
    # The idempotency token of the form that posted it: a retried POST finds this comment
    # instead of adding a second one (unique per author).
    submission_token = models.UUIDField(
        _("submission token"), null=True, blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()

    # A comment's score is shown only this long after it was posted, as on Hacker News and
    # Lobsters, so that early ratings do not steer later ones (see score_visible). Ratings
    # count from the start, and "best" sorts on them meanwhile; it shows no number.
    SCORE_HIDDEN_FOR = timedelta(hours=24)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can hide and restore comments"))]
        indexes = [
            models.Index(fields=["case", "created_at"], name="comment_case_created_idx"),
            models.Index(
                fields=["case", "-wilson", "created_at"],
                name="comment_root_best_idx",
                condition=Q(parent__isnull=True),
            ),
            # The "bridging" order of the roots (descending: NULLs last on SQLite, as the
            # order asks; PostgreSQL reads it for the case's roots and sorts them).
            models.Index(
                fields=["case", "-bridging", "created_at"],
                name="comment_root_bridging_idx",
                condition=Q(parent__isnull=True),
            ),
            models.Index(
                fields=["case", "-minds_changed"],
                name="comment_minds_idx",
                condition=Q(minds_changed__gt=0),
            ),
        ]
        constraints = [
            # A hidden comment says why: in a curator's words or by the site's code.
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason="") | ~Q(hidden_code=""),
                name="comment_hidden_has_reason",
            ),
            # A known code, and then no typed reason beside it: one of the two says why.
            models.CheckConstraint(
                condition=Q(hidden_code="")
                | Q(
                    hidden_code__in=[HIDDEN_BY_FLAGS, HIDDEN_BY_CURATOR_AFTER_FLAGS],
                    hidden_reason="",
                ),
                name="comment_hidden_code_valid",
            ),
            models.CheckConstraint(condition=Q(depth__lte=2), name="comment_depth_at_most_2"),
            models.UniqueConstraint(
                fields=["author", "submission_token"], name="comment_one_per_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.case_id}"

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_readable(self) -> bool:
        """Shown to everyone: neither hidden by moderation nor deleted by its author."""
        return self.hidden_at is None and self.deleted_at is None

    @property
    def score(self) -> int:
        return self.upvotes - self.downvotes

    def score_visible(self, now: datetime | None = None) -> bool:
        """Whether its score is shown: from SCORE_HIDDEN_FOR after it was posted, to everyone
        alike (its author and curators too). `now` defaults to the current time; templates
        call it without one (`{% if comment.score_visible %}`)."""
        return (now or timezone.now()) >= self.created_at + self.SCORE_HIDDEN_FOR

    def hidden_reason_text(self) -> str:
        """Why it is hidden, for the reader: the site's code in the reader's language, or the
        curator's words as typed."""
        return moderation_text(self.hidden_code, self.hidden_params, self.hidden_reason)


class CommentVote(models.Model):
    """A reader's rating of a comment: convincing (+1) or not (-1)."""

    class Value(models.IntegerChoices):
        UP = 1, _("Convincing")
        DOWN = -1, _("Not convincing")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comment_votes",
        verbose_name=_("reader"),
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("comment")
    )
    value = models.SmallIntegerField(_("rating"), choices=Value.choices)
    created_at = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "comment"], name="comment_vote_one_per_user_and_comment"
            ),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="comment_vote_value_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} rates #{self.comment_id}: {self.value:+d}"


class MindChange(models.Model):
    """A voter credits a comment with changing their vote; at most once per change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="mind_changes",
        verbose_name=_("voter"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="mind_changes", verbose_name=_("case")
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="mind_changes", verbose_name=_("comment")
    )
    change_number = models.PositiveIntegerField(_("number of the vote change"))
    from_choice = models.CharField(_("vote before"), max_length=10, choices=Vote.Choice.choices)
    to_choice = models.CharField(_("vote after"), max_length=10, choices=Vote.Choice.choices)
    created_at = models.DateTimeField(_("credited"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case", "change_number"], name="mind_change_once_per_change"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.comment_id} changed a mind: {self.from_choice} → {self.to_choice}"


class Flag(models.Model):
    """A reader tells the curators about a comment; three people's flags hide it."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        OFF_TOPIC = "off_topic", _("Off-topic")
        UNKIND = "unkind", _("Unkind")
        MISLEADING = "misleading", _("Misleading")
        OTHER = "other", pgettext_lazy("flag reason", "Other")

    class Resolution(models.TextChoices):
        KEPT = "kept", _("Kept")
        HIDDEN = "hidden", _("Hidden")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="flags",
        verbose_name=_("flagged by"),
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="flags", verbose_name=_("comment")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=settings.TEXT_LIMITS["reason"], blank=True)
    created_at = models.DateTimeField(_("flagged"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(
        _("resolution"), max_length=8, choices=Resolution.choices, blank=True
    )
    # Flags from accounts younger than a day or without a verified email are kept for the
    # curators but do not count toward hiding: three fresh sign-ups cannot hide a comment.
    counts_toward_hiding = models.BooleanField(_("counts toward hiding"), default=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [
            # The curators' list of flagged comments (/curate/, cases/selectors/open_flags.py):
            # only the open flags that count toward hiding, grouped by comment.
            models.Index(
                fields=["comment", "created_at"],
                condition=Q(resolved_at__isnull=True, counts_toward_hiding=True),
                name="flag_open_counting_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "comment"], name="flag_one_per_user_and_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on #{self.comment_id}"
