"""What readers see of the opinion groups: /groups/ and the case page's "verdict by group",
from the stored groups (cases/selectors/groups.py reads them; nothing is computed here).

/groups/ names nobody: per group its size, its label, the cases where it stands furthest
from the others with its answers there, then the cases every group agrees on and a scatter of
the groups. That content is the same for every reader, so it is rendered once per state of
the groups (cases/groups_version.py) and language, and cached. The answers on a case in blind
mode sit between `result` markers, which the view hides for a reader who may not see that
case's result yet (cases.selectors.blind.hide_unseen_results), as in the case list. A group
without a curator's label gets its automatic one made here as the run makes it (its answers
where it stands furthest), but in the reader's language, and each part about a blind case
between `shares` markers, dropped for such a reader.

The case page shows each group's answers with the rule of the verdict by perspective: bars
from MIN_GROUP_VOTES votes, the groups with fewer named together under one sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cases.group_scatter import group_scatter
from cases.groups_version import groups_version
from cases.models import Case, GroupCaseShare, OpinionGroup, Vote
from cases.selectors.groups import (
    MIN_GROUP_SIZE,
    MIN_GROUP_VOTES,
    ConsensusCase,
    case_group_verdicts,
    consensus_cases,
    furthest_cases,
    latest_groups,
    latest_run,
)
from cases.services.opinion_groups import AUTO_LABEL_CASES
from cases.tallies import VerdictShare, shares_of
from cases.translations import show_case_titles

# Part of the page's key: a new layout must not be served from the old one's entries.
PAGE_LAYOUT = "1"
BODY_TEMPLATE = "cases/_groups_body.html"


def _counts(share: GroupCaseShare) -> list[int]:
    return [share.votes_yes, share.votes_no, share.votes_depends]


@dataclass(frozen=True)
class GroupCase:
    """A group's answers on one case, as bars."""

    case: Case
    shares: list[VerdictShare]  # yes, no, depends; whole percents adding up to 100


@dataclass(frozen=True)
class GroupSummary:
    group: OpinionGroup
    furthest: list[GroupCase]  # furthest from the other readers first

    @property
    def label_parts(self) -> list[LabelPart]:
        """The automatic label's parts: the group's most given answer on each of the first
        AUTO_LABEL_CASES cases where it stands furthest (numpy's argmax: the first of equals)."""
        return [
            LabelPart(item.case, max(item.shares, key=lambda share: share.count).label)
            for item in self.furthest[:AUTO_LABEL_CASES]
        ]


@dataclass(frozen=True)
class LabelPart:
    case: Case
    answer: str  # the answer's label


@dataclass(frozen=True)
class GroupAgreement:
    group: OpinionGroup
    percent: int  # the agreed answer's share of the group's votes on the case
    total: int


@dataclass(frozen=True)
class AgreedCase:
    case: Case
    answer: str  # the Vote.Choice every group gave most
    groups: list[GroupAgreement]  # by group number

    @property
    def answer_label(self) -> str:
        return str(dict(Vote.Choice.choices)[self.answer])


def _group_case(share: GroupCaseShare) -> GroupCase:
    return GroupCase(case=share.case, shares=shares_of(_counts(share)))


def _agreed_case(consensus: ConsensusCase, groups: dict[int, OpinionGroup]) -> AgreedCase:
    rows = []
    for share in consensus.shares:
        percent = next(s.percent for s in shares_of(_counts(share)) if s.choice == consensus.answer)
        rows.append(GroupAgreement(groups[share.group_id], percent, share.total))
    return AgreedCase(case=consensus.case, answer=consensus.answer, groups=rows)


def groups_page_body() -> dict:
    """The context of /groups/'s content (BODY_TEMPLATE). Five queries with groups (the run,
    the groups, the cases where each stands furthest, the consensus cases: two), one more for
    the cases' titles in the reader's language when any is written in another; two without."""
    run = latest_run()
    groups = latest_groups()
    if not groups:
        return {"run": run, "groups": []}
    furthest = furthest_cases()
    consensus = consensus_cases(groups)
    show_case_titles(
        [share.case for shares in furthest.values() for share in shares]
        + [item.case for item in consensus]
    )
    by_id = {group.pk: group for group in groups}
    return {
        "run": run,
        "groups": groups,
        "min_group_size": MIN_GROUP_SIZE,
        "min_votes": MIN_GROUP_VOTES,
        "summaries": [
            GroupSummary(group, [_group_case(share) for share in furthest.get(group.pk, [])])
            for group in groups
        ],
        "consensus": [_agreed_case(item, by_id) for item in consensus],
        "scatter": group_scatter(groups),
    }


def groups_page_key() -> str:
    return f"groups-page:{PAGE_LAYOUT}:{groups_version()}:{get_language() or ''}"


def groups_page_html() -> SafeString:
    """/groups/'s content, the same for everyone: from the cache (no query), or rendered and
    stored until the groups change (or FRAGMENT_CACHE_SECONDS pass). Results of blind cases
    are still marked: the view hides them per reader."""
    key = groups_page_key()
    html = cache.get(key)
    if html is None:
        html = render_to_string(BODY_TEMPLATE, groups_page_body())
        cache.set(key, html, settings.FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output


@dataclass(frozen=True)
class GroupVerdict:
    group: OpinionGroup
    shares: list[VerdictShare]  # yes, no, depends; whole percents adding up to 100
    total: int

    @property
    def too_few(self) -> bool:
        return self.total < MIN_GROUP_VOTES

    @property
    def made_sense_percent(self) -> int:
        return self.shares[0].percent


class GroupVerdicts(list):
    """The shown groups with votes on a case, by number (a list of GroupVerdict), split like
    cases.perspectives.PerspectiveVerdicts: those whose shares are shown, and those with too
    few votes, named together under one sentence."""

    @property
    def with_shares(self) -> list[GroupVerdict]:
        return [verdict for verdict in self if not verdict.too_few]

    @property
    def too_few(self) -> list[GroupVerdict]:
        return [verdict for verdict in self if verdict.too_few]

    @property
    def min_votes(self) -> int:
        return MIN_GROUP_VOTES


def group_verdicts(case: Case) -> GroupVerdicts:
    """The verdict by group on `case` (templates/cases/_group_verdicts.html). One query."""
    verdicts = GroupVerdicts()
    for share in case_group_verdicts(case):
        counts = _counts(share)
        verdicts.append(GroupVerdict(share.group, shares_of(counts), sum(counts)))
    return verdicts
