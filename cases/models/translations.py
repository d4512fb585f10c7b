"""A case's and a category's texts in a language other than the one they were written in.

A case is written in one language (`Case.language`: the proposer's or curator's) and its own
columns hold that original. A translation is a separate text, often by another person at
another time, so it is a row of its own: one per case and language, never one for the
original language. Readers get the row for their language when there is one and the original
otherwise, with a note saying so (cases/translations.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models.cases import Case, Category
from outsourcing.i18n import site_languages


class CaseTranslation(models.Model):
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="translations", verbose_name=_("case")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=160)
    decision = models.CharField(_("decision"), max_length=160)
    summary = models.TextField(_("summary"), max_length=600)
    story = models.TextField(_("story"), help_text=_("Markdown."))
    decided_by = models.CharField(_("who decided"), max_length=200, blank=True)
    outsourced_what = models.CharField(_("what was outsourced"), max_length=200, blank=True)
    provider = models.CharField(_("to whom / where"), max_length=200, blank=True)
    where = models.CharField(_("where (country or region)"), max_length=120, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    search_terms = models.CharField(_("extra search words"), max_length=300, blank=True)
    # The story as sanitised HTML, rendered when the translation is written.
    story_html = models.TextField(blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["case_id", "language"]
        verbose_name = _("case translation")
        verbose_name_plural = _("case translations")
        constraints = [
            models.UniqueConstraint(fields=["case", "language"], name="case_one_translation_each"),
            models.CheckConstraint(
                condition=Q(language__in=site_languages()), name="case_translation_language_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class CategoryTranslation(models.Model):
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("category"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        ordering = ["category_id", "language"]
        verbose_name = _("category translation")
        verbose_name_plural = _("category translations")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language"], name="category_one_translation_each"
            ),
            models.UniqueConstraint(F("language"), F("name"), name="category_name_unique_each"),
            models.CheckConstraint(
                condition=Q(language__in=site_languages()),
                name="category_translation_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"
