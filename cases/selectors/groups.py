"""Reads of the stored opinion groups (cases/models/groups.py), for /groups/, the case page's
"verdict by group" and a reader's own profile. Nothing is computed here beyond SQL: the groups,
their shares per case and how far each stands from the others were stored by the last run
(`manage.py compute_opinion_groups`). Only the latest run's groups exist, so no query asks
which run is current.

A group is shown only with at least MIN_GROUP_SIZE members, and its answers on a case only
from MIN_GROUP_VOTES votes (the rule the perspectives follow on the case page).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, F, FloatField, Min
from django.db.models.functions import Cast, Greatest

from accounts.models import User
from cases.figures import MIN_VOTES_PER_PERSPECTIVE
from cases.models import Case, GroupCaseShare, OpinionGroup, OpinionGroupRun

MIN_GROUP_SIZE = 10
MIN_GROUP_VOTES = MIN_VOTES_PER_PERSPECTIVE
FURTHEST_CASES = 5
CONSENSUS_CASES = 10
# A consensus case: in every shown group, more than this share gave the same answer.
CONSENSUS_SHARE = 0.5

GROUPS_SHOWN_KEY = "opinion-groups:shown"
GROUPS_SHOWN_SECONDS = 10 * 60

SHARE_TOTAL = F("votes_yes") + F("votes_no") + F("votes_depends")
SHARE_COLUMNS = ("id", "group_id", "votes_yes", "votes_no", "votes_depends", "distance", "place")
# The cases' columns /groups/ shows; blind_mode: whether their results are hidden until a vote.
CASE_COLUMNS = ("case__id", "case__slug", "case__title", "case__language", "case__blind_mode")


def latest_run() -> OpinionGroupRun | None:
    """The last computation (when, how many groups, how long it took). One query."""
    return OpinionGroupRun.objects.order_by("-created_at", "-id").first()


def groups_shown() -> bool:
    """Whether the latest run found at least two groups big enough to show: the comments'
    default order is then "bridging" (cases/selectors/comments.py). Read on every case page,
    so kept in the cache: one query on a miss, none otherwise. `store_opinion_groups` drops
    it when a run is stored; with a memory cache per process (no REDIS_URL) the other
    processes see the new run within GROUPS_SHOWN_SECONDS."""
    shown = cache.get(GROUPS_SHOWN_KEY)
    if shown is None:
        shown = OpinionGroup.objects.filter(size__gte=MIN_GROUP_SIZE).order_by()[:2].count() >= 2
        cache.set(GROUPS_SHOWN_KEY, shown, GROUPS_SHOWN_SECONDS)
    return shown


def latest_groups() -> list[OpinionGroup]:
    """The groups shown: MIN_GROUP_SIZE members or more, largest first. One query."""
    return list(OpinionGroup.objects.filter(size__gte=MIN_GROUP_SIZE).order_by("number"))


def reader_group(user: User) -> OpinionGroup | None:
    """The shown group the reader is closest to (for their own profile only). One query."""
    if not user.is_authenticated:
        return None
    return OpinionGroup.objects.filter(memberships__user=user, size__gte=MIN_GROUP_SIZE).first()


def _counted_shares():
    """Shares of shown groups on published cases, from MIN_GROUP_VOTES votes."""
    return GroupCaseShare.objects.alias(total=SHARE_TOTAL).filter(
        total__gte=MIN_GROUP_VOTES,
        group__size__gte=MIN_GROUP_SIZE,
        case__status=Case.Status.PUBLISHED,
    )


def furthest_cases(*, limit: int = FURTHEST_CASES) -> dict[int, list[GroupCaseShare]]:
    """{group id: its shares on the `limit` cases where it stands furthest from the other
    readers, furthest first}, each share with its case (CASE_COLUMNS). One query,
    whatever the number of groups: the places were stored by the run (a case unpublished
    since then is left out, and its group shows one case fewer until the next run)."""
    shares = (
        GroupCaseShare.objects.filter(
            place__lte=limit,
            group__size__gte=MIN_GROUP_SIZE,
            case__status=Case.Status.PUBLISHED,
        )
        .select_related("case")
        .only(*SHARE_COLUMNS, *CASE_COLUMNS)
        .order_by("group_id", "place")
    )
    furthest: dict[int, list[GroupCaseShare]] = {}
    for share in shares:
        furthest.setdefault(share.group_id, []).append(share)
    return furthest


def case_group_verdicts(case: Case) -> list[GroupCaseShare]:
    """The "verdict by group" on a case: each shown group's votes on it, by group number,
    with the group. A share's `total` below MIN_GROUP_VOTES is too few to show. One query."""
    return list(
        GroupCaseShare.objects.filter(case=case, group__size__gte=MIN_GROUP_SIZE)
        .select_related("group")
        .order_by("group__number")
    )


@dataclass(frozen=True)
class ConsensusCase:
    case: Case  # CASE_COLUMNS loaded
    answer: str  # Vote.Choice value every group gave most
    agreement: float  # the lowest share of that answer over the groups
    shares: list[GroupCaseShare]  # one per shown group, by group number


def consensus_cases(
    groups: list[OpinionGroup], *, limit: int = CONSENSUS_CASES
) -> list[ConsensusCase]:
    """Cases where every shown group (`groups`, from latest_groups) agrees: in each, more
    than CONSENSUS_SHARE of its votes gave the same answer. Strongest agreement first. Two
    queries (none without two groups)."""
    if len(groups) < 2:
        return []
    lowest = {
        answer: Min(Cast(F(f"votes_{answer}"), FloatField()) / Cast(SHARE_TOTAL, FloatField()))
        for answer in ("yes", "no", "depends")
    }
    agreed = (
        _counted_shares()
        .filter(group__in=groups)
        .values("case_id")
        .annotate(
            groups=Count("id"),
            lowest_yes=lowest["yes"],
            lowest_no=lowest["no"],
            lowest_depends=lowest["depends"],
        )
        .annotate(agreement=Greatest("lowest_yes", "lowest_no", "lowest_depends"))
        .filter(groups=len(groups), agreement__gt=CONSENSUS_SHARE)
        .order_by("-agreement", "case_id")[:limit]
    )
    found = {row["case_id"]: row for row in agreed}
    if not found:
        return []
    shares = (
        GroupCaseShare.objects.filter(case_id__in=found, group__in=groups)
        .select_related("case")
        .only(*SHARE_COLUMNS, *CASE_COLUMNS)
        .order_by("case_id")
    )
    by_case: dict[int, list[GroupCaseShare]] = {}
    for share in shares:
        by_case.setdefault(share.case_id, []).append(share)
    number = {group.pk: group.number for group in groups}
    consensus = []
    for case_id, row in found.items():
        case_shares = sorted(by_case[case_id], key=lambda share: number[share.group_id])
        answer = max(("yes", "no", "depends"), key=lambda a: row[f"lowest_{a}"])
        consensus.append(
            ConsensusCase(
                case=case_shares[0].case,
                answer=answer,
                agreement=row[f"lowest_{answer}"],
                shares=case_shares,
            )
        )
    return consensus
