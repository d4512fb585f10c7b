"""Opinion groups: every vote read into a sparse matrix, the groups found in it
(cases/opinion_groups.py) and stored (cases/models/groups.py) in place of the last run's.

`compute_opinion_groups` is what `manage.py compute_opinion_groups` and the nightly job
(cases/tasks.py) run; never a request. Reading the votes and finding the groups only read, and
take seconds to a minute at scale, so they run outside any transaction; `store_opinion_groups`
then replaces the stored groups in one transaction: a page sees the old groups or the new ones,
never a mixture. The comments' bridging scores are then recomputed from the new groups
(cases/services/bridging.py), in their own transaction.

`label_group` is a curator naming a group (shown on /groups/ and the case pages instead of
the automatic label), logged like every curator act.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from scipy import sparse

from accounts.models import User
from cases.figures import MIN_VOTES_PER_PERSPECTIVE
from cases.groups_version import groups_changed
from cases.models import (
    Case,
    GroupCaseShare,
    ModerationLog,
    OpinionGroup,
    OpinionGroupRun,
    ReaderGroup,
    Vote,
)
from cases.models.groups import GROUP_AUTO_LABEL_MAX, GROUP_LABEL_MAX
from cases.opinion_groups import (
    ANSWER_ORDER,
    ANSWER_VALUES,
    OpinionGroups,
    find_opinion_groups,
    vote_matrices,
)
from cases.selectors.groups import GROUPS_SHOWN_KEY
from cases.services.bridging import BridgingStored, recompute_bridging_scores
from cases.services.log import log_moderation
from cases.services.permissions import check_is_curator

READ_CHUNK = 20_000
BATCH_SIZE = 2_000
# A group's automatic label names the cases where it stands furthest from the others, among
# those it cast at least MIN_VOTES_PER_PERSPECTIVE votes on (the case page's rule).
AUTO_LABEL_CASES = 2
# A curator's label moves to a new run's group that shares most members with the old group:
# more than this share of both the old group's and the new group's members.
LABEL_KEPT_OVERLAP = 0.5


@dataclass(frozen=True)
class VoteMatrix:
    """Every vote on a published case: row i is the user `user_ids[i]`, column j the case
    `case_ids[j]` (find_opinion_groups's two matrices)."""

    answers: sparse.csr_matrix
    voted: sparse.csr_matrix
    user_ids: np.ndarray
    case_ids: np.ndarray

    @property
    def votes(self) -> int:
        return self.voted.nnz


@dataclass(frozen=True)
class GroupsComputed:
    run: OpinionGroupRun
    votes_read: int
    read_seconds: float
    compute_seconds: float
    store_seconds: float  # the groups and the comments' bridging scores
    bridging: BridgingStored


def read_vote_matrix() -> VoteMatrix:
    """One streamed query per answer, straight into integer arrays (no model instances)."""
    users, cases, answers = [], [], []
    for choice, value in ANSWER_VALUES.items():
        pairs = (
            Vote.objects.on_published_cases()
            .filter(choice=choice)
            .order_by()
            .values_list("user_id", "case_id")
        )
        flat = np.fromiter(
            chain.from_iterable(pairs.iterator(chunk_size=READ_CHUNK)), dtype=np.int64
        )
        users.append(flat[0::2])
        cases.append(flat[1::2])
        answers.append(np.full(len(flat) // 2, value, dtype=np.int8))
    user_ids, rows = np.unique(np.concatenate(users), return_inverse=True)
    case_ids, cols = np.unique(np.concatenate(cases), return_inverse=True)
    answer_matrix, voted = vote_matrices(
        rows, cols, np.concatenate(answers), (len(user_ids), len(case_ids))
    )
    return VoteMatrix(answer_matrix, voted, user_ids, case_ids)


def compute_opinion_groups() -> GroupsComputed:
    """Read the votes, find the groups, store them in place of the last run's, then the
    comments' bridging scores from the new groups."""
    started = time.perf_counter()
    matrix = read_vote_matrix()
    read = time.perf_counter()
    result = find_opinion_groups(matrix.answers, matrix.voted)
    computed = time.perf_counter()
    run = store_opinion_groups(
        result=result,
        user_ids=matrix.user_ids,
        case_ids=matrix.case_ids,
        seconds=computed - started,
    )
    # The comments' bridging scores follow the new groups (cases/bridging.py).
    bridging = recompute_bridging_scores()
    return GroupsComputed(
        run=run,
        votes_read=matrix.votes,
        read_seconds=read - started,
        compute_seconds=computed - read,
        store_seconds=time.perf_counter() - computed,
        bridging=bridging,
    )


@transaction.atomic
def store_opinion_groups(
    *,
    result: OpinionGroups,
    user_ids: Sequence[int] | np.ndarray,
    case_ids: Sequence[int] | np.ndarray,
    seconds: float = 0.0,
) -> OpinionGroupRun:
    """Replace the stored groups, memberships and per-case shares with `result`'s.

    `user_ids`/`case_ids` name the rows and columns of the matrix `result` was found in;
    `seconds` is the time taken before storing (the run records it plus the store's own).
    A curator's label stays with the new group that holds most of the old group's members.
    Readers or cases deleted since the votes were read are left out.
    """
    started = time.perf_counter()
    readers = np.asarray(user_ids, dtype=np.int64)[result.readers]
    cases = np.asarray(case_ids, dtype=np.int64)[result.cases]
    kept = _kept_labels(result, readers)
    GroupCaseShare.objects.all().delete()
    ReaderGroup.objects.all().delete()
    OpinionGroup.objects.all().delete()
    run = OpinionGroupRun.objects.create(
        k=result.k,
        readers=len(readers),
        cases=len(cases),
        votes=result.votes,
        silhouette=result.silhouette,
        seconds=seconds,
    )
    distances = result.distances
    places = _places(result, distances)
    auto_labels = _auto_labels(result, cases, places)
    groups = OpinionGroup.objects.bulk_create(
        OpinionGroup(
            run=run,
            number=g + 1,
            size=int(size),
            centre_x=float(result.centres[g, 0]),
            centre_y=float(result.centres[g, 1]),
            label=kept.get(g, ""),
            label_auto=auto_labels[g],
        )
        for g, size in enumerate(result.sizes)
    )
    if groups:
        _store_members(groups, result, readers)
        _store_shares(groups, result, cases, distances, places)
    run.seconds = seconds + time.perf_counter() - started
    run.save(update_fields=["seconds"])
    transaction.on_commit(groups_changed)  # the pages showing the groups render them anew
    # Whether groups exist decides the comments' default order ("bridging" or "best").
    transaction.on_commit(lambda: cache.delete(GROUPS_SHOWN_KEY))
    return run


@transaction.atomic
def label_group(*, moderator: User, group: OpinionGroup, label: str) -> OpinionGroup:
    """A curator's name for `group`; an empty `label` gives it back its automatic one.

    Refused when the group is gone (a new run replaced it since the page was read). A label
    the group already has changes nothing and logs nothing. The pages showing the groups are
    rendered anew once it commits.
    """
    check_is_curator(moderator)
    label = label.strip()
    if len(label) > GROUP_LABEL_MAX:
        raise ValidationError(
            _("Name the group in at most %(limit)d characters.") % {"limit": GROUP_LABEL_MAX}
        )
    locked = OpinionGroup.objects.select_for_update().filter(pk=group.pk).first()
    if locked is None:
        raise ValidationError(
            _("This group no longer exists: the groups were computed anew. Reload the page.")
        )
    if locked.label != label:
        previous = locked.label
        locked.label = label
        locked.save(update_fields=["label"])
        log_moderation(
            moderator,
            ModerationLog.Action.LABEL_GROUP,
            case_id=None,
            params={"number": locked.number, "label": label, "previous": previous},
        )
        transaction.on_commit(groups_changed)
    group.label = locked.label
    return locked


def _store_members(groups: list[OpinionGroup], result: OpinionGroups, readers) -> None:
    existing = np.fromiter(User.objects.values_list("pk", flat=True).iterator(), dtype=np.int64)
    here = np.isin(readers, existing)
    ReaderGroup.objects.bulk_create(
        (
            ReaderGroup(user_id=int(user_id), group=groups[label])
            for user_id, label in zip(readers[here], result.labels[here], strict=True)
        ),
        batch_size=BATCH_SIZE,
    )


def _store_shares(
    groups: list[OpinionGroup], result: OpinionGroups, cases, distances, places
) -> None:
    existing = np.fromiter(Case.objects.values_list("pk", flat=True).iterator(), dtype=np.int64)
    here = np.isin(cases, existing)
    voted = (result.totals > 0) & here[None, :]
    GroupCaseShare.objects.bulk_create(
        (
            GroupCaseShare(
                group=groups[g],
                case_id=int(cases[j]),
                votes_yes=int(result.counts[g, j, 0]),
                votes_no=int(result.counts[g, j, 1]),
                votes_depends=int(result.counts[g, j, 2]),
                distance=float(distances[g, j]),
                place=int(places[g, j]) or None,
            )
            for g, j in zip(*np.nonzero(voted), strict=True)
        ),
        batch_size=BATCH_SIZE,
    )


def _places(result: OpinionGroups, distances: np.ndarray) -> np.ndarray:
    """(k, m) each case's place in its group's order by distance, furthest first (1, 2, …),
    among the cases the group cast MIN_VOTES_PER_PERSPECTIVE votes on; 0 for the others."""
    counted = result.totals >= MIN_VOTES_PER_PERSPECTIVE
    places = np.zeros(distances.shape, dtype=np.int64)
    for g in range(result.k):
        order = np.argsort(np.where(counted[g], -distances[g], np.inf), kind="stable")
        places[g, order] = np.arange(1, len(order) + 1)
    return np.where(counted, places, 0)


def _kept_labels(result: OpinionGroups, readers: np.ndarray) -> dict[int, str]:
    """{new group: the curator's label of the old group it mostly continues}."""
    labelled = dict(OpinionGroup.objects.exclude(label="").values_list("pk", "label"))
    if not labelled or not result.k:
        return {}
    old_sizes = dict(OpinionGroup.objects.filter(pk__in=labelled).values_list("pk", "size"))
    old_of = dict(
        ReaderGroup.objects.filter(group_id__in=labelled).values_list("user_id", "group_id")
    )
    kept = {}
    for g, size in enumerate(result.sizes):
        members = readers[result.labels == g]
        olds, overlaps = np.unique(
            [old_of[user_id] for user_id in members.tolist() if user_id in old_of],
            return_counts=True,
        )
        for old, overlap in zip(olds.tolist(), overlaps.tolist(), strict=True):
            if overlap > LABEL_KEPT_OVERLAP * max(size, old_sizes[old]):
                kept[g] = labelled[old]
    return kept


def _auto_labels(result: OpinionGroups, cases: np.ndarray, places: np.ndarray) -> list[str]:
    """Each group's automatic label, in the site's language: its answer on the cases where it
    stands furthest from the others, e.g. “Made sense” on <title>; “It depends” on <title>."""
    furthest = [
        [int(j) for j in np.argsort(places[g]) if 0 < places[g, j] <= AUTO_LABEL_CASES]
        for g in range(result.k)
    ]
    wanted = {int(cases[j]) for columns in furthest for j in columns}
    titles = dict(Case.objects.filter(pk__in=wanted).values_list("pk", "title"))
    choices = dict(Vote.Choice.choices)
    labels = []
    with translation.override(settings.LANGUAGE_CODE):
        for g in range(result.k):
            parts = [
                _("“%(answer)s” on %(title)s")
                % {
                    "answer": choices[ANSWER_ORDER[int(result.counts[g, j].argmax())]],
                    "title": titles[int(cases[j])],
                }
                for j in furthest[g]
                if int(cases[j]) in titles
            ]
            labels.append(Truncator("; ".join(parts)).chars(GROUP_AUTO_LABEL_MAX))
    return labels
