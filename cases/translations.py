"""Reading a case in the reader's language.

A case's own columns hold the text in the language it was written in (`Case.language`); a
`CaseTranslation` row holds another language's text. `CaseQuerySet.in_language(code)` joins
the row for `code` (one LEFT JOIN on the unique (case, language) index, and one for the
category's name) and, as each case is built, lays the translated text over the original
columns, so templates keep reading `case.title`. Each case then says which language it shows
(`shown_language`) and whether the reader's language lacks a text (`untranslated`): then the
original is shown, with a note in the reader's language (cases/_case_language_note.html).

Only what is read is overlaid: the display copy of a case. Services never write these
instances back; they read the row again under a lock (e.g. curation._locked).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.db.models import CharField, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import get_language

if TYPE_CHECKING:
    from cases.models import Case, Category
    from cases.querysets import CaseQuerySet

# The texts a CaseTranslation holds, in the order of the case's fields.
TRANSLATED_FIELDS = (
    "title",
    "decision",
    "summary",
    "story",
    "story_html",
    "decided_by",
    "outsourced_what",
    "provider",
    "where",
    "outcome",
    "search_terms",
)
CATEGORY_FIELDS = ("name", "description")
PREFIX = "shown_"


def reader_language() -> str:
    """The active language's code as LANGUAGES spells it ("de" for "de-at")."""
    return (get_language() or "en").split("-")[0]


def in_language(queryset: CaseQuerySet, language: str | None = None) -> CaseQuerySet:
    language = language or reader_language()
    # Only the texts the query reads: a list defers the story and the outcome.
    names, is_defer = queryset.query.deferred_loading
    fields = [f for f in TRANSLATED_FIELDS if (f not in names if is_defer else f in names)]
    queryset = queryset.annotate(
        shown_text=FilteredRelation("translations", condition=Q(translations__language=language)),
        **{f"{PREFIX}{field}": F(f"shown_text__{field}") for field in fields},
        shown_text_id=F("shown_text__id"),
        reader_language=Value(language, output_field=CharField()),
    )
    if "category" in (queryset.query.select_related or {}):
        queryset = queryset.annotate(
            shown_category=FilteredRelation(
                "category__translations",
                condition=Q(category__translations__language=language),
            ),
            **{
                f"{PREFIX}category_{field}": F(f"shown_category__{field}")
                for field in CATEGORY_FIELDS
            },
        )
    queryset._iterable_class = TranslatedCaseIterable
    return queryset


class TranslatedCaseIterable(ModelIterable):
    """Builds cases as usual, then lays their translated columns over the originals."""

    def __iter__(self) -> Iterator[Case]:
        for case in super().__iter__():
            overlay(case, case.reader_language)
            yield case


def overlay(case: Case, language: str) -> Case:
    found = getattr(case, "shown_text_id", None) is not None and case.language != language
    if found:
        for field in TRANSLATED_FIELDS:
            value = getattr(case, f"{PREFIX}{field}", None)
            if value is not None:
                setattr(case, field, value)
    case.shown_language = language if found else case.language
    # True only here, when the reader's language has no text: a case read without
    # in_language() (a curator's preview) shows no note.
    case.untranslated = case.shown_language != language
    category = case._state.fields_cache.get("category")
    translated = getattr(case, f"{PREFIX}category_name", None)
    if category is not None and translated and category.language != language:
        for field in CATEGORY_FIELDS:
            setattr(category, field, getattr(case, f"{PREFIX}category_{field}"))
    return case


def categories_in_language(queryset: QuerySet, language: str | None = None) -> QuerySet:
    """Categories named in `language` where they have a translation, in that order."""
    language = language or reader_language()
    queryset = queryset.annotate(
        shown_text=FilteredRelation("translations", condition=Q(translations__language=language)),
        **{f"{PREFIX}{field}": F(f"shown_text__{field}") for field in CATEGORY_FIELDS},
        reader_language=Value(language, output_field=CharField()),
    ).order_by(Coalesce(F(f"{PREFIX}name"), F("name")))
    queryset._iterable_class = TranslatedCategoryIterable
    return queryset


class TranslatedCategoryIterable(ModelIterable):
    def __iter__(self) -> Iterator[Category]:
        for category in super().__iter__():
            if category.language != category.reader_language and category.shown_name:
                category.name = category.shown_name
                category.description = category.shown_description
            yield category


def show_case_titles(cases: Iterable[Case], language: str | None = None) -> None:
    """Give cases read along with something else (a comment's, a vote's) their title in the
    reader's language: one query for all of them, on the unique (case, language) index."""
    from cases.models import CaseTranslation

    language = language or reader_language()
    by_id: dict[int, list[Case]] = {}
    for case in cases:
        if case.language != language:
            by_id.setdefault(case.pk, []).append(case)
    if not by_id:
        return
    titles = CaseTranslation.objects.filter(case_id__in=by_id, language=language)
    for case_id, title in titles.values_list("case_id", "title"):
        for case in by_id[case_id]:
            case.title = title
