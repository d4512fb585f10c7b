from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

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

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Tallies are server-owned: changed only by services.cast_vote inside its transaction,
    # rebuilt by `manage.py recount_votes`.
    votes_yes = models.PositiveIntegerField(default=0, editable=False)
    votes_no = models.PositiveIntegerField(default=0, editable=False)
    votes_depends = models.PositiveIntegerField(default=0, editable=False)

    objects = CaseQuerySet.as_manager()

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
                condition=Q(status__in=["draft", "published", "archived"]),
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
    body = models.TextField(_("comment"), max_length=settings.COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)
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
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.case_id}"

    def get_absolute_url(self) -> str:
        return f"{self.case.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class ModerationLog(models.Model):
    """One row per moderation act, written in the same transaction as the act."""

    class Action(models.TextChoices):
        HIDE_COMMENT = "hide_comment", _("Hid a comment")
        RESTORE_COMMENT = "restore_comment", _("Restored a comment")
        CHANGE_CASE_STATUS = "change_case_status", _("Changed a case's status")

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
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation log entry")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.moderator_name}: {self.get_action_display()}"
