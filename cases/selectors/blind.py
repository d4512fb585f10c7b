"""Blind first verdicts: whether the reader may see a case's result yet, and the blind verdict
beside today's.

A case in blind mode (`Case.blind_mode`, on by default) hides its result — the verdict bars
and percentages, the chart, the perspectives, the crowd's side of the rule of thumb, the most
convincing comments, the hindsight verdicts — from a reader until they have voted on it or
asked to see it ("show me the verdict without voting"). A member's request is a VerdictReveal
row; a visitor's is kept in the session (SESSION_KEY) and counts too when they log in and
vote: that vote is then not blind.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from cases.figures import MIN_BLIND_VOTES
from cases.models import Case, VerdictReveal, Vote
from cases.tallies import Verdict, verdict_of_counts

SESSION_KEY = "revealed_cases"
# How many reveals a visitor's session keeps (the oldest go first): a bounded cookie-free list.
SESSION_REVEALS_KEPT = 200


def revealed_in_session(request: HttpRequest, case: Case) -> bool:
    return case.pk in request.session.get(SESSION_KEY, [])


def remember_in_session(request: HttpRequest, case: Case) -> None:
    revealed = [pk for pk in request.session.get(SESSION_KEY, []) if pk != case.pk]
    request.session[SESSION_KEY] = [*revealed, case.pk][-SESSION_REVEALS_KEPT:]


def show_result(request: HttpRequest, case: Case, vote: Vote | None) -> bool:
    """May this reader see the case's result? Yes when the case is not blind, when they
    voted (`vote`: theirs, read by the caller), or when they asked to see it. At most one
    query: a member's reveal, read only while blind and not voted."""
    if not case.blind_mode or vote is not None:
        return True
    if revealed_in_session(request, case):
        return True
    user = request.user
    if not user.is_authenticated:
        return False
    return VerdictReveal.objects.filter(user=user, case=case).exists()


@dataclass(frozen=True)
class BlindComparison:
    """The blind verdict beside today's (only from MIN_BLIND_VOTES blind votes: `shown`)."""

    blind: Verdict
    current: Verdict
    min_votes: int

    @property
    def shown(self) -> bool:
        return self.blind.total >= self.min_votes

    @property
    def yes_before(self) -> int:
        return self.blind.shares[0].percent

    @property
    def yes_now(self) -> int:
        return self.current.shares[0].percent


def blind_comparison(case: Case) -> BlindComparison:
    """From the stored tallies alone: no query."""
    return BlindComparison(
        blind=verdict_of_counts(case.blind_yes, case.blind_no, case.blind_depends),
        current=verdict_of_counts(case.votes_yes, case.votes_no, case.votes_depends),
        min_votes=MIN_BLIND_VOTES,
    )
