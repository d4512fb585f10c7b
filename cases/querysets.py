"""Chainable reads: `Case.objects.published().with_tallies().sorted_by("top")`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf

from cases.search import search_cases

if TYPE_CHECKING:
    from accounts.models import User

TOTAL_VOTES = F("votes_yes") + F("votes_no") + F("votes_depends")
# `most_divided` lists only cases with at least this many votes: with fewer, an even split
# (1/1/0, 2/2/0) says little.
DIVIDED_MIN_VOTES = 5


class CaseQuerySet(models.QuerySet):
    def published(self) -> CaseQuerySet:
        return self.filter(status="published")

    def visible_to(self, user: User) -> CaseQuerySet:
        """Published cases; staff who may view cases also preview drafts and archived ones."""
        if user.is_authenticated and user.is_staff and user.has_perm("cases.view_case"):
            return self
        return self.published()

    def with_tallies(self) -> CaseQuerySet:
        from cases.models import Comment

        visible_comments = (
            Comment.objects.filter(case=OuterRef("pk"))
            .visible()
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(comment_count=Coalesce(Subquery(visible_comments), Value(0)))

    def search(self, query: str) -> CaseQuerySet:
        """Cases matching `query`, each annotated with `search_headline` (its summary as safe
        HTML, query words in <mark>). PostgreSQL: full-text search, also annotated with
        `search_rank` and ordered by it; SQLite: every word must occur somewhere. See
        cases/search.py. An empty query changes nothing."""
        return search_cases(self, query)

    def sorted_by(self, sort: str) -> CaseQuerySet:
        """Order for the list page; `sort` is validated by CaseFilterForm.

        - `new`: newest published first.
        - `top`: most votes (yes + no + depends) first, then newest.
        - `discussed`: most visible comments first, then newest (needs with_tallies()).
        - `divided`: see most_divided(); drops cases with fewer than DIVIDED_MIN_VOTES votes.
        - `split`: perspectives disagree most; see cases.perspectives.most_split().
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
            from cases.perspectives import most_split  # it builds on this module

            return most_split(self)
        if sort == "relevance" and "search_rank" in self.query.annotations:
            return self.order_by("-search_rank", "-published_at", "-id")
        return self.order_by("-published_at", "-id")

    def most_divided(self) -> CaseQuerySet:
        """Cases with at least DIVIDED_MIN_VOTES votes, the most evenly split first.

        The measure, annotated as `largest_share`, is the share of the largest answer:
        max(yes, no, depends) / (yes + no + depends). It lies between 1/3 (a perfect
        three-way split) and 1.0 (unanimity); ascending order puts the closest to 1/3 first.
        Equal shares go to the case with more votes, which says more; then the newest.
        E.g. 2/2/1 (share 0.4) comes before 4/1/1 (0.67); 4/4/2 (0.4, 10 votes) before 2/2/1;
        2/2/0 (4 votes) is not listed.
        """
        largest = Greatest("votes_yes", "votes_no", "votes_depends")
        return (
            self.alias(total_votes=TOTAL_VOTES)
            .filter(total_votes__gte=DIVIDED_MIN_VOTES)
            .annotate(
                largest_share=Cast(largest, models.FloatField())
                / NullIf(Cast(TOTAL_VOTES, models.FloatField()), 0.0)
            )
            .order_by("largest_share", TOTAL_VOTES.desc(), "-published_at", "-id")
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
