"""Chainable reads: `Case.objects.published().sorted_by("top")`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.db.models.query import ModelIterable

from cases.figures import (
    DIVIDED_MIN_VOTES,
    MIN_BLIND_VOTES,
    MIN_PERSPECTIVES_FOR_SPLIT,
    MIN_VOTES_PER_PERSPECTIVE,
)
from cases.search import search_cases
from cases.translations import categories_in_language, reader_language, show_in_language

if TYPE_CHECKING:
    from accounts.models import User

TOTAL_VOTES = F("votes_yes") + F("votes_no") + F("votes_depends")
__all__ = [
    "DIVIDED_MIN_VOTES",
    "TOTAL_VOTES",
    "CaseQuerySet",
    "CategoryQuerySet",
    "CommentQuerySet",
    "VoteQuerySet",
    "sort_note",
]

# The sorts that list only some cases: the stored measure they need (NULL: left out) and the
# minimum of votes behind it (cases/figures.py).
SORT_MINIMUMS = {
    "divided": ("largest_share", DIVIDED_MIN_VOTES),
    "split": ("perspective_split", MIN_VOTES_PER_PERSPECTIVE),
    "shifted": ("verdict_shift", MIN_BLIND_VOTES),
}


def sort_note(sort: str, queryset: models.QuerySet) -> dict | None:
    """What the list says under a sort that leaves cases out, or None for the other sorts.

    `queryset`: the list's cases before sorting (published, searched, filtered). Returns
    {"sort", "minimum", "perspectives", "left_out"}: `divided` needs `minimum` votes
    (DIVIDED_MIN_VOTES), `split` `perspectives` perspectives of `minimum` votes each
    (MIN_VOTES_PER_PERSPECTIVE), `shifted` `minimum` blind votes (MIN_BLIND_VOTES);
    `left_out` counts the cases whose stored measure is NULL, one COUNT on the sort's own
    index (status, measure, …). Rendered by templates/cases/_sort_note.html.
    """
    if sort not in SORT_MINIMUMS:
        return None
    measure, minimum = SORT_MINIMUMS[sort]
    left_out = queryset.filter(**{f"{measure}__isnull": True}).order_by().count()
    return {
        "sort": sort,
        "minimum": minimum,
        "perspectives": MIN_PERSPECTIVES_FOR_SPLIT,
        "left_out": left_out,
    }


class CategoryQuerySet(models.QuerySet):
    def in_language(self, language: str | None = None) -> CategoryQuerySet:
        """Named in `language` (default: the reader's) where translated, sorted by that name."""
        return categories_in_language(self, language)


class CaseQuerySet(models.QuerySet):
    def published(self) -> CaseQuerySet:
        return self.filter(status="published")

    def for_listing(self) -> CaseQuerySet:
        """Without the long texts a list never shows (the story twice, the outcome, the
        search document): sorting and reading 20 rows then moves little."""
        return self.defer("story", "story_html", "outcome", "search_document", "review_note")

    # in_language(): the language to show the cases in once they are read (None: as written).
    _reader_language: str | None = None

    def in_language(self, language: str | None = None) -> CaseQuerySet:
        """Each case in `language` (default: the reader's) where it has a translation, else
        as written, saying which (`shown_language`): laid over the cases as the queryset is
        evaluated (cases/translations.py), so counting, ordering and slicing stay plain."""
        clone = self._chain()
        clone._reader_language = language or reader_language()
        return clone

    def _clone(self) -> CaseQuerySet:
        clone = super()._clone()
        clone._reader_language = self._reader_language
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._reader_language and self._iterable_class is ModelIterable:
            show_in_language(self._result_cache, self._reader_language)

    def visible_to(self, user: User) -> CaseQuerySet:
        """Published cases; curators also preview drafts, proposals and archived ones."""
        from cases.services.permissions import is_curator

        if is_curator(user):
            return self
        return self.published()

    def search(self, query: str) -> CaseQuerySet:
        """Cases matching `query`, each annotated with `search_headline` (its summary as safe
        HTML, query words in <mark>). PostgreSQL: full-text search, also annotated with
        `search_rank` and ordered by it; SQLite: every word must occur somewhere. See
        cases/search.py. An empty query changes nothing."""
        return search_cases(self, query)

    def sorted_by(self, sort: str) -> CaseQuerySet:
        """Order for the list page; `sort` is validated by CaseFilterForm. Every order reads
        stored columns that an index of Case.Meta covers (cases/figures.py defines them).

        - `new`: newest published first.
        - `top`: most votes (yes + no + depends) first, then newest.
        - `discussed`: most readable comments (`comment_count`) first, then newest.
        - `divided`: see most_divided(); drops cases with fewer than DIVIDED_MIN_VOTES votes.
        - `split`: see most_split(); drops cases with fewer than two perspectives of
          MIN_VOTES_PER_PERSPECTIVE votes.
        - `shifted`: see most_shifted(); drops cases with fewer than MIN_BLIND_VOTES blind
          votes.

        The three that drop cases say so on the list: sort_note() gives the minimum and how
        many cases are left out.
        - `relevance`: best search match first (`search_rank`, PostgreSQL only); without a
          rank, i.e. on SQLite or without a query, newest first.
        """
        if sort == "top":
            return self.order_by(TOTAL_VOTES.desc(), "-published_at", "-id")
        if sort == "discussed":
            return self.order_by("-comment_count", "-published_at", "-id")
        if sort == "divided":
            return self.most_divided()
        if sort == "split":
            return self.most_split()
        if sort == "shifted":
            return self.most_shifted()
        if sort == "relevance" and "search_rank" in self.query.annotations:
            return self.order_by("-search_rank", "-published_at", "-id")
        return self.order_by("-published_at", "-id")

    def most_divided(self) -> CaseQuerySet:
        """Cases with at least DIVIDED_MIN_VOTES votes, the most evenly split first.

        The measure is the stored `largest_share` (cases.figures.largest_share): between 1/3
        (a perfect three-way split) and 1.0 (unanimity), NULL below DIVIDED_MIN_VOTES votes;
        ascending order puts the closest to 1/3 first. Equal shares go to the case with more
        votes, which says more; then the newest. E.g. 2/2/1 (0.4) before 4/1/1 (0.67); 4/4/2
        (0.4, 10 votes) before 2/2/1; 2/2/0 (4 votes) is not listed.
        """
        return self.filter(largest_share__isnull=False).order_by(
            "largest_share", TOTAL_VOTES.desc(), "-published_at", "-id"
        )

    def most_split(self) -> CaseQuerySet:
        """Cases where the perspectives disagree most first (the stored `perspective_split`,
        see cases.figures.perspective_split); ties go to the case with more votes."""
        return self.filter(perspective_split__isnull=False).order_by(
            "-perspective_split", TOTAL_VOTES.desc(), "-published_at", "-id"
        )

    def most_shifted(self) -> CaseQuerySet:
        """Cases whose verdict moved furthest from the blind one first (the stored
        `verdict_shift`, see cases.figures.verdict_shift: 0.0 the same shares … 1.0 no answer
        in common; NULL below MIN_BLIND_VOTES blind votes, and then not listed); ties go to the
        case with more votes, then the newest. Read on `case_shift_idx`."""
        return self.filter(verdict_shift__isnull=False).order_by(
            "-verdict_shift", TOTAL_VOTES.desc(), "-published_at", "-id"
        )


class VoteQuerySet(models.QuerySet):
    def on_published_cases(self) -> VoteQuerySet:
        return self.filter(case__status="published")


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        """Shown on the site: neither hidden by moderation nor deleted by its author."""
        return self.filter(hidden_at__isnull=True, deleted_at__isnull=True)

    def on_published_cases(self) -> CommentQuerySet:
        return self.filter(case__status="published")

    def with_author_vote(self) -> CommentQuerySet:
        """Annotate each comment with its author's current vote on the case (one query)."""
        from cases.models import Vote

        author_vote = Vote.objects.filter(user=OuterRef("author"), case=OuterRef("case")).values(
            "choice"
        )[:1]
        return self.annotate(author_vote=Subquery(author_vote))
