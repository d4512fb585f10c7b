"""Case search, used by `CaseQuerySet.search(query)`.

PostgreSQL: full-text search. The weighted tsvector `Case.search_document` (title A; decision
and the curators' extra search words B; summary and story C) is stored, kept current by a
trigger on every write (migration 0007) and covered by a GIN index; it is matched against
`websearch_to_tsquery`, so people can type `"call center" -agency` or `china or india`, and
any input at all is accepted. Only the matches are ranked (`search_rank`, ts_rank over the
stored vector: no to_tsvector per row per query) and ordered by it, best first.

SQLite (development and the default test run): every word of the query must occur, case-
insensitively (ASCII case-folding, like LIKE), in the title, decision, summary, story or the
extra search words; there is no ranking and no operator syntax, the order stays newest first.

On both, each result carries `search_headline`: its summary as HTML — the text escaped, the
query words wrapped in <mark>…</mark> — so the template is the same for both databases.

Languages: a case's document holds its own text and every translation (CaseTranslation),
each stemmed by its language's configuration, "english" or "german" (migration 0012), so
"protection" finds "protected" and "Kunden" finds "Kunde". The query is parsed with both
configurations and either may match. SQLite also looks in the translations. The headline is
made from the summary the reader is shown (the translation when there is one).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import Exists, ExpressionWrapper, F, Func, OuterRef, Q, TextField, Value
from django.db.models.functions import Coalesce, Replace
from django.dispatch import receiver
from django.utils.safestring import mark_safe

from cases.translations import reader_language, translated_summary

if TYPE_CHECKING:
    from cases.querysets import CaseQuerySet

SEARCH_CONFIG = "english"
# The text search configuration of each language a case can be written in (migration 0012).
SEARCH_CONFIGS = {"en": "english", "de": "german"}

# Escaping for HTML element content, done before highlighting (in SQL on PostgreSQL). "&" comes
# first. Apostrophes stay as they are: ts_headline would split words at "&#x27;", and the
# headline is only ever element content, never an attribute value.
HTML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))
MARK_START, MARK_STOP = "<mark>", "</mark>"

SQLITE_HEADLINE_FUNCTION = "verdicts_search_headline"
SEARCHED_FIELDS = ("title", "decision", "summary", "story", "search_terms")


def search_cases(queryset: CaseQuerySet, query: str) -> CaseQuerySet:
    """The cases matching `query`, annotated with `search_headline` (and, on PostgreSQL,
    `search_rank`, by which they are ordered). An empty query changes nothing."""
    query = query.strip()
    if not query:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return _postgresql_search(queryset, query)
    return _fallback_search(queryset, query)


class HighlightedHtmlField(TextField):
    """Output field of `search_headline`: the database returns it already safe, see below."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        # Safe to mark: the text was HTML-escaped *before* highlighting (in SQL on PostgreSQL,
        # in `highlight()` on SQLite), so it contains no "<" of its own; the only tags are the
        # <mark> and </mark> the highlighter inserts around whole words.
        return mark_safe(value)


def _postgresql_search(queryset: CaseQuerySet, query: str) -> CaseQuerySet:
    search_query = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    for config in sorted(set(SEARCH_CONFIGS.values()) - {SEARCH_CONFIG}):
        search_query |= SearchQuery(query, search_type="websearch", config=config)
    headline = SearchHeadline(
        _escaped_in_sql(_shown_summary(queryset)),
        search_query,
        config=SEARCH_CONFIGS.get(reader_language(), SEARCH_CONFIG),
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        highlight_all=True,  # the whole summary (at most 600 characters), not a fragment
    )
    return (
        queryset.filter(search_document=search_query)
        .annotate(
            search_rank=SearchRank(F("search_document"), search_query),
            search_headline=ExpressionWrapper(headline, output_field=HighlightedHtmlField()),
        )
        .order_by("-search_rank", "-published_at", "-id")
    )


def _shown_summary(queryset: CaseQuerySet) -> Coalesce:
    """The summary the reader sees: its translation into the reader's language, else the
    case's own."""
    return translated_summary(reader_language())


def _escaped_in_sql(expression: F | Coalesce | Replace) -> F | Coalesce | Replace:
    for char, entity in HTML_ESCAPES:
        expression = Replace(expression, Value(char), Value(entity))
    return expression


def _fallback_search(queryset: CaseQuerySet, query: str) -> CaseQuerySet:
    _register_sqlite_function(connections[queryset.db])
    from cases.models import CaseTranslation

    condition = Q()
    for word in query_words(query) or [query]:
        any_field = Q()
        in_translation = Q()
        for field in SEARCHED_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
            in_translation |= Q(**{f"{field}__icontains": word})
        translations = CaseTranslation.objects.filter(in_translation, case=OuterRef("pk"))
        condition &= any_field | Exists(translations)
    headline = Func(
        _shown_summary(queryset),
        Value(query),
        function=SQLITE_HEADLINE_FUNCTION,
        output_field=HighlightedHtmlField(),
    )
    return queryset.filter(condition).annotate(search_headline=headline)


def query_words(query: str) -> list[str]:
    """The words of a query (runs of letters, digits and underscores), for SQLite."""
    return re.findall(r"\w+", query)


def highlight(text: str | None, query: str | None) -> str | None:
    """`text` HTML-escaped, each case-insensitive occurrence of a query word in <mark>."""
    if text is None:
        return None
    words = sorted({word.casefold() for word in query_words(query or "")}, key=len, reverse=True)
    if not words:
        return _escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, end = [], 0
    for match in pattern.finditer(text):
        parts.append(_escape(text[end : match.start()]))
        parts.append(f"{MARK_START}{_escape(match.group())}{MARK_STOP}")
        end = match.end()
    parts.append(_escape(text[end:]))
    return "".join(parts)


def _escape(text: str) -> str:
    for char, entity in HTML_ESCAPES:
        text = text.replace(char, entity)
    return text


def _register_sqlite_function(connection: Any) -> None:
    """Make `highlight` callable from SQLite's SQL; idempotent, issues no query."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(
            SQLITE_HEADLINE_FUNCTION, 2, highlight, deterministic=True
        )


@receiver(connection_created, dispatch_uid="cases.search.register_sqlite_function")
def _on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    _register_sqlite_function(connection)
