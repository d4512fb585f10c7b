"""Chainable reads: `Case.objects.published().with_tallies().sorted_by("top")`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf

if TYPE_CHECKING:
    from accounts.models import User

TOTAL_VOTES = F("votes_yes") + F("votes_no") + F("votes_depends")


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
            Comment.objects.filter(case=OuterRef("pk"), hidden_at__isnull=True)
            .order_by()
            .values("case")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(comment_count=Coalesce(Subquery(visible_comments), Value(0)))

    def search(self, query: str) -> CaseQuerySet:
        query = query.strip()
        if not query:
            return self
        # icontains is UPPER(...) LIKE on PostgreSQL and LIKE (ASCII case-folding) on SQLite.
        return self.filter(
            Q(title__icontains=query)
            | Q(decision__icontains=query)
            | Q(summary__icontains=query)
            | Q(story__icontains=query)
        )

    def sorted_by(self, sort: str) -> CaseQuerySet:
        """Order for the list page (`discussed` needs with_tallies()); `sort` is validated."""
        if sort == "top":
            return self.order_by(TOTAL_VOTES.desc(), "-published_at", "-id")
        if sort == "discussed":
            return self.order_by("-comment_count", "-published_at", "-id")
        if sort == "divided":
            return self.most_divided()
        return self.order_by("-published_at", "-id")

    def most_divided(self) -> CaseQuerySet:
        """Cases with votes, the most evenly split first.

        The measure is the share of the largest answer: 1/3 is a perfect three-way split,
        1.0 is unanimity. Ties go to the case with more votes, which says more.
        """
        largest = Greatest("votes_yes", "votes_no", "votes_depends")
        return (
            self.annotate(
                largest_share=Cast(largest, models.FloatField())
                / NullIf(Cast(TOTAL_VOTES, models.FloatField()), 0.0)
            )
            .exclude(votes_yes=0, votes_no=0, votes_depends=0)
            .order_by("largest_share", TOTAL_VOTES.desc(), "-published_at", "-id")
        )


class VoteQuerySet(models.QuerySet):
    def on_published_cases(self) -> VoteQuerySet:
        return self.filter(case__status="published")


class CommentQuerySet(models.QuerySet):
    def visible(self) -> CommentQuerySet:
        return self.filter(hidden_at__isnull=True)

    def on_published_cases(self) -> CommentQuerySet:
        return self.filter(case__status="published")

    def with_author_vote(self) -> CommentQuerySet:
        """Annotate each comment with its author's current vote on the case (one query)."""
        from cases.models import Vote

        author_vote = Vote.objects.filter(user=OuterRef("author"), case=OuterRef("case")).values(
            "choice"
        )[:1]
        return self.annotate(author_vote=Subquery(author_vote))
