from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The site's user; custom from the first migration so fields can be added later."""

    class Perspective(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        MANAGER = "manager", _("Manager or owner")
        CONTRACTOR = "contractor", _("Contractor or freelancer")
        CUSTOMER = "customer", _("Customer")
        OTHER = "other", _("Other")

    # The language of the site's pages and emails for this person; blank: not chosen yet, the
    # browser's (Accept-Language, the language cookie) counts (accounts/languages.py).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    perspective = models.CharField(
        _("how you mostly look at outsourcing"),
        max_length=12,
        choices=Perspective.choices,
        blank=True,
    )

    # Suspension: a suspended person can read but not vote, comment, flag or propose.
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    suspended_permanently = models.BooleanField(_("suspended permanently"), default=False)
    suspension_reason = models.CharField(
        _("why suspended"), max_length=settings.TEXT_LIMITS["reason"], blank=True
    )

    @property
    def is_suspended(self) -> bool:
        if self.suspended_permanently:
            return True
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"username": self.username})


class Notification(models.Model):
    """Something that happened to a person's comment, proposal or vote, for them to read.

    Written by the act's service in the act's transaction (cases/services/notifications.py).
    A row keeps the facts, never a sentence: its `kind`, the case and comment it is about, and
    `params` (the keys each kind reads: accounts/notification_texts.py), put into words in the
    reader's language when shown (`text()`), on the page and in the digest emails.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("Replies to your comments")
        PROPOSAL_DECIDED = "proposal_decided", _("Curators' decisions on your proposals")
        OUTCOME_UPDATE = "outcome_update", _("What happened next, on cases you voted on")
        CASE_CLOSED = "case_closed", _("Closed discussions, on cases you voted on")
        COMMENT_HIDDEN = "comment_hidden", _("Your comments hidden")
        COMMENT_RESTORED = "comment_restored", _("Your comments shown again")

    # The composite indexes below start with the user: no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("for"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    comment = models.ForeignKey(
        "cases.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )
    params = models.JSONField(_("facts"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The page: a person's notifications, newest first.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_idx"),
            # The header's count and the digests: the unread ones only, newest first.
            models.Index(
                fields=["user", "-created_at"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def text(self) -> str:
        """The sentence in the active language (needs `case` and `comment.author` loaded)."""
        from accounts.notification_texts import notification_text

        return notification_text(self)

    def target_url(self) -> str:
        """Where the sentence leads: the comment, the case, or one's proposals."""
        from accounts.notification_texts import notification_url

        return notification_url(self)


class DigestPreference(models.Model):
    """How often a person gets an email digest of one kind of notification; no row: never.

    `sent_through` is the moment the last digest of this kind covered: the next one tells the
    unread notifications created after it (the first one, those of the last period).
    """

    class Frequency(models.TextChoices):
        NEVER = "never", _("Never")
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digest_preferences",
        verbose_name=_("for"),
        db_index=False,  # the unique constraint's index starts with it
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Notification.Kind.choices)
    frequency = models.CharField(
        _("email digest"), max_length=6, choices=Frequency.choices, default=Frequency.NEVER
    )
    sent_through = models.DateTimeField(_("last digest covered up to"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest preference")
        verbose_name_plural = _("digest preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="digest_one_per_user_and_kind"),
        ]
        indexes = [
            # The worker's run: everyone who asked for this frequency.
            models.Index(
                fields=["frequency", "user"],
                condition=~models.Q(frequency="never"),
                name="digest_frequency_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.frequency} for {self.user_id}"
