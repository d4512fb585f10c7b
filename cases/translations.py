"""Reading a case in the reader's language.

A case's own columns hold the text in the language it was written in (`Case.language`); a
`CaseTranslation` row holds another language's text. `show_in_language(cases, code)` lays the
rows for `code` over the cases already read: one query on the unique (case, language) index
for the cases not written in `code` (none at all when every case is), one more for their
categories' names. So a list keeps its plain, index-ordered query and its plain count, and
the overlay costs two small reads for the 20 rows a page shows, only when they are rendered
(`cases.selectors.case_list.rows_html` on a cache miss); `CaseQuerySet.in_language()` does the
same as a queryset is evaluated, for pages of one case.

Each case then says which language it shows (`shown_language`) and whether the reader's
language lacks a text (`untranslated`): then the original is shown, with a note in the
reader's language (cases/_case_language_note.html). Only display copies are overlaid:
services never write them back; they read the row again under a lock (e.g. curation._locked).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from django.db.models import CharField, F, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import get_language

if TYPE_CHECKING:
    from cases.models import Case, Category

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


def show_in_language(
    cases: Iterable[Case], language: str | None = None, *, fields: Sequence[str] | None = None
) -> None:
    """Lay each case's text in `language` (default: the reader's) over its own columns, where
    it has one; `fields`: only these (default: every translated field the case has loaded)."""
    from cases.models import CaseTranslation, CategoryTranslation

    language = language or reader_language()
    wanted: dict[int, list[Case]] = {}
    categories: dict[int, list[Category]] = {}
    deferred: set[str] = set()
    for case in cases:
        case.shown_language = case.language
        case.untranslated = case.language != language
        if case.untranslated:
            wanted.setdefault(case.pk, []).append(case)
            deferred |= case.get_deferred_fields()
        category = case._state.fields_cache.get("category")
        if category is not None and category.language != language:
            categories.setdefault(category.pk, []).append(category)
    if wanted:
        names = [f for f in (fields or TRANSLATED_FIELDS) if f not in deferred]
        rows = CaseTranslation.objects.filter(case_id__in=wanted, language=language).order_by()
        for row in rows.values("case_id", *names):
            for case in wanted[row.pop("case_id")]:
                for name, value in row.items():
                    setattr(case, name, value)
                case.shown_language = language
                case.untranslated = False
    if categories and fields is None:
        rows = CategoryTranslation.objects.filter(category_id__in=categories, language=language)
        for row in rows.order_by().values("category_id", *CATEGORY_FIELDS):
            for category in categories[row.pop("category_id")]:
                for name, value in row.items():
                    setattr(category, name, value)


def show_case_titles(cases: Iterable[Case], language: str | None = None) -> None:
    """The titles of cases read along with something else (a comment's, a vote's) in the
    reader's language: one query for all of them."""
    show_in_language(cases, language, fields=("title",))


def translated_summary(language: str | None = None) -> Coalesce:
    """SQL for the summary a reader of `language` sees: the translation's, else the case's
    own (search headlines are made from it)."""
    from django.db.models import OuterRef, Subquery

    from cases.models import CaseTranslation

    rows = CaseTranslation.objects.filter(
        case=OuterRef("pk"), language=language or reader_language()
    )
    return Coalesce(Subquery(rows.values("summary")[:1]), F("summary"))


def categories_in_language(queryset: QuerySet, language: str | None = None) -> QuerySet:
    """Categories named in `language` where they have a translation, in that order (a few
    rows: one LEFT JOIN on the unique (category, language) index)."""
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
