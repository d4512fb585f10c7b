"""Judgement that learns: reveals of the result before voting, what happened after a decision
(outcome updates) and the verdict knowing it (hindsight votes), and links between related
cases (precedents).

Curator texts here (an outcome update, a link's note) are short: each is written in one
language (`language`) and may carry its wording in the site's other languages in
`translations` ({"de": "…"}); `text_in(language)` picks the reader's.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.models.cases import Case
from cases.models.votes import Vote
from outsourcing.i18n import site_languages

OUTCOME_TEXT_MAX = 600
LINK_NOTE_MAX = 200


class TranslatedText(models.Model):
    """A curator's short text in its language, with optional wordings in the others."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    TEXT_FIELD = "text"

    class Meta:
        abstract = True

    def text_in(self, language: str | None = None) -> str:
        """The text in `language` (default: the reader's) if it has that wording, else as
        written."""
        language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
        original = getattr(self, self.TEXT_FIELD)
        if language == self.language:
            return original
        return (self.translations or {}).get(language) or original

    def shown_language(self, language: str | None = None) -> str:
        """The language text_in(language) is in."""
        language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
        if language != self.language and (self.translations or {}).get(language):
            return language
        return self.language


class VerdictReveal(models.Model):
    """A member asked to see a case's result before voting: a vote cast after is not blind.
    (Visitors who are not logged in keep their reveals in the session.)"""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="verdict_reveals",
        verbose_name=_("reader"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="reveals", verbose_name=_("case")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("verdict shown before voting")
        verbose_name_plural = _("verdicts shown before voting")
        constraints = [
            models.UniqueConstraint(fields=["user", "case"], name="reveal_one_per_user_and_case"),
        ]

    def __str__(self) -> str:
        return f"{self.user} saw {self.case}"


class OutcomeUpdate(TranslatedText):
    """What happened after the decision, dated and sourced, added by a curator."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="outcome_updates", verbose_name=_("case")
    )
    happened_on = models.DateField(_("when it happened"))
    text = models.TextField(_("what happened"), max_length=OUTCOME_TEXT_MAX)
    source_title = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("link to the source"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    # Soft delete: a removed update leaves the page, and the log keeps the act.
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["happened_on", "id"]
        verbose_name = _("outcome update")
        verbose_name_plural = _("outcome updates")
        indexes = [
            models.Index(
                fields=["case", "happened_on", "id"],
                name="outcome_case_idx",
                condition=Q(removed_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=site_languages()), name="outcome_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.happened_on}"


class HindsightVote(models.Model):
    """The second question, once a case has an outcome: knowing what happened, did it make
    sense? One answer per reader and case, changeable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="hindsight_votes",
        verbose_name=_("voter"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="hindsight_votes", verbose_name=_("case")
    )
    choice = models.CharField(_("choice"), max_length=10, choices=Vote.Choice.choices)
    # The voter's foresight answer (Vote.foresight_choice) when they first answered here;
    # "" for readers who had not voted before the outcome was known.
    foresight_choice = models.CharField(
        _("answer before the outcome was known"),
        max_length=10,
        choices=Vote.Choice.choices,
        blank=True,
    )
    created_at = models.DateTimeField(_("cast"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("hindsight vote")
        verbose_name_plural = _("hindsight votes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case"], name="hindsight_one_per_user_and_case"
            ),
            models.CheckConstraint(
                condition=Q(choice__in=["yes", "no", "depends"]), name="hindsight_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.case} (hindsight): {self.choice}"

    @property
    def changed_from_foresight(self) -> bool:
        return bool(self.foresight_choice) and self.foresight_choice != self.choice


class CaseLink(TranslatedText):
    """Two related cases (a precedent), with a note on what differs. Stored once per pair,
    the lower id first; it shows on both cases' pages."""

    TEXT_FIELD = "note"

    case_a = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="links_as_a", verbose_name=_("case")
    )
    case_b = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="links_as_b", verbose_name=_("related case")
    )
    note = models.CharField(_("what differs"), max_length=LINK_NOTE_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("related-case link")
        verbose_name_plural = _("related-case links")
        indexes = [models.Index(fields=["case_b"], name="case_link_b_idx")]
        constraints = [
            models.UniqueConstraint(fields=["case_a", "case_b"], name="case_link_once_per_pair"),
            models.CheckConstraint(
                condition=Q(case_a__lt=F("case_b")), name="case_link_lower_id_first"
            ),
            models.CheckConstraint(
                condition=Q(language__in=site_languages()), name="case_link_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_a_id} ↔ {self.case_b_id}"

    def other(self, case_id: int) -> Case:
        """The linked case seen from `case_id`'s page."""
        return self.case_b if self.case_a_id == case_id else self.case_a
