from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.querysets import CaseQuerySet, CommentQuerySet, VoteQuerySet


class Category(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        NEEDS_CHANGES = "needs_changes", _("Needs changes")
        REJECTED = "rejected", _("Rejected")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Frequency(models.TextChoices):
        ONCE = "once", _("Once")
        NOW_AND_THEN = "now_and_then", _("Now and then")
        EVERY_DAY = "every_day", _("Every day")

    title = models.CharField(_("title"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    decision = models.CharField(
        _("decision"),
        max_length=160,
        help_text=_("One line, e.g. “Customer care → external call center”."),
    )
    summary = models.TextField(_("summary"), max_length=600)
    story = models.TextField(_("story"), help_text=_("Markdown."))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    decided_by = models.CharField(_("who decided"), max_length=200, blank=True)
    outsourced_what = models.CharField(_("what was outsourced"), max_length=200, blank=True)
    provider = models.CharField(_("to whom / where"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    search_terms = models.CharField(
        _("extra search words"),
        max_length=300,
        blank=True,
        help_text=_("Words people may search for that the text lacks, e.g. German terms."),
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    # Reader proposals: who proposed it, when it was (re)submitted, the curator's last word.
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("proposed by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    review_note = models.TextField(
        _("curator's note"),
        blank=True,
        help_text=_("Why it was sent back or rejected; the proposer sees it."),
    )
    where = models.CharField(_("where (country or region)"), max_length=120, blank=True)

    # Curation on the front page and closing the discussion.
    featured_at = models.DateTimeField(_("featured"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    closed_reason = models.CharField(_("why closed"), max_length=300, blank=True)

    # The rule of thumb's factors, recorded by curators (None: not judged yet).
    frequency = models.CharField(
        _("how often the work is needed"), max_length=16, choices=Frequency.choices, blank=True
    )
    name_on_service = models.BooleanField(
        _("the company's own name is on the service"), null=True, blank=True
    )
    customer_data_shared = models.BooleanField(
        _("customer data passes to the provider"), null=True, blank=True
    )
    rare_expertise = models.BooleanField(
        _("rare specialist know-how is needed"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Tallies are server-owned: changed only by services.cast_vote inside its transaction,
    # rebuilt by `manage.py recount_votes`.
    votes_yes = models.PositiveIntegerField(default=0, editable=False)
    votes_no = models.PositiveIntegerField(default=0, editable=False)
    votes_depends = models.PositiveIntegerField(default=0, editable=False)

    objects = CaseQuerySet.as_manager()
    # Who changed what and when, for curators in the admin (tallies change too often to keep).
    history = HistoricalRecords(excluded_fields=["votes_yes", "votes_no", "votes_depends"])

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="case_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "draft",
                        "pending",
                        "needs_changes",
                        "rejected",
                        "published",
                        "archived",
                    ]
                ),
                name="case_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="case_status_pub_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def vote_total(self) -> int:
        return self.votes_yes + self.votes_no + self.votes_depends

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_featured(self) -> bool:
        return self.featured_at is not None


class Source(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=300)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published = models.DateField(_("date"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=8, default="de", help_text=_("e.g. de, en")
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class Vote(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", _("Made sense")
        NO = "no", _("Did not make sense")
        DEPENDS = "depends", _("It depends")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    choice = models.CharField(_("choice"), max_length=10, choices=Choice.choices)
    # The voter's first answer, kept so the case page can show how minds moved.
    first_choice = models.CharField(
        _("first choice"), max_length=10, choices=Choice.choices, default=""
    )
    # The answer before the latest change: what a credited comment moved the voter from.
    previous_choice = models.CharField(max_length=10, choices=Choice.choices, blank=True)
    condition = models.CharField(
        _("it depends on"),
        max_length=200,
        blank=True,
        help_text=_("For “It depends”: on what, in a few words."),
    )
    # How often the voter changed their answer, and which change already credited a comment.
    change_count = models.PositiveIntegerField(default=0)
    credited_change = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="vote_one_per_user_and_case"),
            models.CheckConstraint(
                condition=Q(choice__in=["yes", "no", "depends"]), name="vote_choice_valid"
            ),
            models.CheckConstraint(
                condition=Q(credited_change__lte=F("change_count")),
                name="vote_credit_needs_a_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.case}: {self.choice}"


# Short labels for the badge beside a comment ("made sense" / "did not" / "depends").
VOTE_BADGES = {
    Vote.Choice.YES: _("made sense"),
    Vote.Choice.NO: _("did not"),
    Vote.Choice.DEPENDS: _("depends"),
}


class Comment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="comments")
    # SET_NULL keeps the thread when an account goes away.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="comments",
    )
    # Replies nest three levels deep (depth 0, 1, 2); deeper replies attach to level 2.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(_("comment"), max_length=settings.COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Soft delete: the row and its place in the thread stay, the text is no longer shown.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # Server-owned counters, changed by services in the same transaction as their rows.
    upvotes = models.PositiveIntegerField(_("convincing"), default=0)
    downvotes = models.PositiveIntegerField(_("not convincing"), default=0)
    minds_changed = models.PositiveIntegerField(_("minds changed"), default=0)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can hide and restore comments"))]
        indexes = [models.Index(fields=["case", "created_at"], name="comment_case_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""),
                name="comment_hidden_has_reason",
            ),
            models.CheckConstraint(condition=Q(depth__lte=2), name="comment_depth_at_most_2"),
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
    def score(self) -> int:
        return self.upvotes - self.downvotes


class CommentVote(models.Model):
    """A reader's rating of a comment: convincing (+1) or not (-1)."""

    class Value(models.IntegerChoices):
        UP = 1, _("Convincing")
        DOWN = -1, _("Not convincing")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_votes"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="ratings")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mind_changes"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mind_changes")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mind_changes")
    change_number = models.PositiveIntegerField()
    from_choice = models.CharField(max_length=10, choices=Vote.Choice.choices)
    to_choice = models.CharField(max_length=10, choices=Vote.Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case", "change_number"], name="mind_change_once_per_change"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.comment_id} changed a mind: {self.from_choice} → {self.to_choice}"


class VoteEvent(models.Model):
    """Every vote cast or changed, in order: the history behind the verdict chart."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="vote_events")
    choice = models.CharField(max_length=10, choices=Vote.Choice.choices)
    previous_choice = models.CharField(max_length=10, choices=Vote.Choice.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="vote_event_case_idx")]

    def __str__(self) -> str:
        return f"{self.previous_choice or '∅'} → {self.choice} on {self.case_id}"


class Flag(models.Model):
    """A reader tells the curators about a comment; three people's flags hide it."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        OFF_TOPIC = "off_topic", _("Off-topic")
        UNKIND = "unkind", _("Unkind")
        MISLEADING = "misleading", _("Misleading")
        OTHER = "other", _("Other")

    class Resolution(models.TextChoices):
        KEPT = "kept", _("Kept")
        HIDDEN = "hidden", _("Hidden")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=8, choices=Resolution.choices, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "comment"], name="flag_one_per_user_and_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} on #{self.comment_id}"


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

    def __str__(self) -> str:
        return f"{self.moderator_name}: {self.get_action_display()}"
