"""Writing a case's or a category's text in another language than it was written in."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.markdown import render_markdown
from cases.models import Case, CaseTranslation, Category, CategoryTranslation
from outsourcing.i18n import site_languages


def _check_language(language: str, original: str) -> None:
    if language not in site_languages():
        raise ValidationError(
            _("“%(language)s” is not a language of this site.") % {"language": language}
        )
    if language == original:
        raise ValidationError(
            _("This text is already written in that language: edit it instead of translating it.")
        )


@transaction.atomic
def save_case_translation(
    *,
    case: Case,
    language: str,
    title: str,
    decision: str,
    summary: str,
    story: str,
    decided_by: str = "",
    outsourced_what: str = "",
    provider: str = "",
    where: str = "",
    outcome: str = "",
    search_terms: str = "",
) -> CaseTranslation:
    """Create or replace `case`'s text in `language`, its story rendered now. The case's
    `updated_at` moves too, so every cached page and row of it is rendered afresh."""
    locked = Case.objects.select_for_update().only("pk", "language").get(pk=case.pk)
    _check_language(language, locked.language)
    translation, _created = CaseTranslation.objects.update_or_create(
        case=locked,
        language=language,
        defaults={
            "title": title,
            "decision": decision,
            "summary": summary,
            "story": story,
            "story_html": render_markdown(story),
            "decided_by": decided_by,
            "outsourced_what": outsourced_what,
            "provider": provider,
            "where": where,
            "outcome": outcome,
            "search_terms": search_terms,
        },
    )
    Case.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return translation


@transaction.atomic
def save_category_translation(
    *, category: Category, language: str, name: str, description: str = ""
) -> CategoryTranslation:
    """Create or replace `category`'s name and description in `language`. Its cases' cached
    rows change with it (Case.cache_version digests the category's name)."""
    locked = Category.objects.select_for_update().get(pk=category.pk)
    _check_language(language, locked.language)
    translation, _created = CategoryTranslation.objects.update_or_create(
        category=locked, language=language, defaults={"name": name, "description": description}
    )
    Case.objects.filter(category=locked).update(updated_at=timezone.now())
    return translation
