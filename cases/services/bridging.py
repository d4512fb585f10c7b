"""Bridging scores: every comment's score (cases/bridging.py) recomputed from its ratings and the
raters' opinion groups, and stored on the comment, right after a run of the groups is stored
(`compute_opinion_groups`, cases/services/opinion_groups.py: the nightly job and `manage.py
compute_opinion_groups`), never in a request. Pages read `Comment.bridging` and
`Comment.bridging_groups` and compute nothing.

The ratings are counted in SQL, one row per comment and group (convincing, total), streamed
into the pure function; only the comments whose numbers changed are written, in batches, and
only their cases' cached pages are renewed (`page_version`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, Q

from cases.bridging import MIN_GROUP_RATINGS, NOT_RATED, Bridging, bridging_scores
from cases.models import Case, Comment, CommentVote
from cases.selectors.groups import MIN_GROUP_SIZE

READ_CHUNK = 20_000
BATCH_SIZE = 2_000


@dataclass(frozen=True)
class BridgingStored:
    scored: int  # comments rated MIN_GROUP_RATINGS times by at least one group
    changed: int  # comments whose stored numbers changed (written)


def group_ratings() -> Iterator[tuple[int, int, int, int]]:
    """(comment, group, convincing, total) for each comment and shown group (MIN_GROUP_SIZE
    members, the groups /groups/ shows) whose members rated it at least MIN_GROUP_RATINGS
    times: one grouped query over the ratings joined to the raters' groups, streamed."""
    rows = (
        CommentVote.objects.filter(user__opinion_group__group__size__gte=MIN_GROUP_SIZE)
        .values_list("comment_id", "user__opinion_group__group_id")
        .annotate(up=Count("pk", filter=Q(value=CommentVote.Value.UP)), total=Count("pk"))
        .filter(total__gte=MIN_GROUP_RATINGS)
        .order_by()
    )
    return rows.iterator(chunk_size=READ_CHUNK)


def recompute_bridging_scores() -> BridgingStored:
    """Count the ratings per comment and group (a read, outside any transaction), score them,
    and store the scores."""
    return store_bridging_scores(scores=bridging_scores(group_ratings()))


@transaction.atomic
def store_bridging_scores(*, scores: Mapping[int, Bridging]) -> BridgingStored:
    """Make every comment's stored score `scores`' (NULL and 0 groups for a comment not in
    it), writing only the comments whose numbers change, BATCH_SIZE at a time, and renew
    their cases' cached pages. Comments deleted since the ratings were read are skipped."""
    stored = {
        pk: Bridging(score=score, groups=groups)
        for pk, score, groups in Comment.objects.filter(bridging__isnull=False)
        .values_list("pk", "bridging", "bridging_groups")
        .iterator(chunk_size=READ_CHUNK)
    }
    changed = [pk for pk, score in scores.items() if stored.get(pk) != score]
    changed += [pk for pk in stored if pk not in scores]
    changed.sort()
    for start in range(0, len(changed), BATCH_SIZE):
        batch = changed[start : start + BATCH_SIZE]
        rows = []
        for pk in batch:
            score = scores.get(pk, NOT_RATED)
            rows.append(Comment(pk=pk, bridging=score.score, bridging_groups=score.groups))
        Comment.objects.bulk_update(rows, ["bridging", "bridging_groups"])
        cases = Comment.objects.filter(pk__in=batch).values("case_id")
        Case.objects.filter(pk__in=cases).update(page_version=F("page_version") + 1)
    return BridgingStored(scored=len(scores), changed=len(changed))
