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

import re
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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


# Where cached HTML shows another case's result (a list row, a featured card, a related case),
# for cases in blind mode: its bar (`result`, which gives way to a note) and its shares in
# words (`shares`, dropped), e.g. <!--result:12-->…<!--/result:12-->.
RESULT_BLOCK = re.compile(r"<!--(result|shares):(\d+)-->(.*?)<!--/\1:\2-->", re.S)


def marked_cases(html: str) -> set[int]:
    """The ids of the cases whose result `html` marks."""
    return {int(case_id) for _kind, case_id, _shown in RESULT_BLOCK.findall(html)}


def unseen_cases(
    request: HttpRequest, case_ids: set[int], *, votes: dict[int, str] | None = None
) -> set[int]:
    """Those of `case_ids` (blind cases) whose result this reader may not see yet: not in
    their session's reveals, and for a member neither voted on (`votes`, their answers when
    the caller has them; else one query) nor revealed on their account (one query), each
    read only while some are left."""
    unseen = set(case_ids) - set(request.session.get(SESSION_KEY, [])) if case_ids else set()
    user = request.user
    if unseen and user.is_authenticated:
        if votes is None:
            voted = Vote.objects.filter(user=user, case_id__in=sorted(unseen))
            votes = dict.fromkeys(voted.values_list("case_id", flat=True), "")
        unseen -= set(votes)
    if unseen and user.is_authenticated:
        seen = VerdictReveal.objects.filter(user=user, case_id__in=sorted(unseen))
        unseen -= set(seen.values_list("case_id", flat=True))
    return unseen


def hide_results(html: SafeString, unseen: set[int]) -> SafeString:
    """`html` with the marked results of the `unseen` cases replaced by a short note (and
    their shares in words dropped), the others' markers removed."""
    if "<!--result:" not in html and "<!--shares:" not in html:
        return html
    note = format_html('<span class="result-hidden-note">{}</span>', _("vote to see the verdict"))

    def replace(match: re.Match) -> str:
        kind, case_id, shown = match.groups()
        if int(case_id) not in unseen:
            return shown
        return note if kind == "result" else ""

    return mark_safe(RESULT_BLOCK.sub(replace, html))  # our templates' output, our own note


def hide_unseen_results(request: HttpRequest, html: SafeString) -> SafeString:
    """The cached `html` as this reader may see it (at most two queries, only when it marks
    any case's result)."""
    return hide_results(html, unseen_cases(request, marked_cases(html)))
