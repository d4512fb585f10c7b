"""Comments that bridge: how convincing readers from *different* opinion groups found a comment.

X's Community Notes shows a note when people who usually disagree both rate it helpful; here
the opinion groups (cases/opinion_groups.py) say who usually disagrees. A pure function of the
ratings counted per comment and group (no database here): cases/services/bridging.py counts
them in SQL after each run of the groups and stores the result on the comment, so that the
`bridging` order of the thread (cases/threads.py) is an ORDER BY on a stored column.

**The score.** For a comment, take each group whose members rated it at least
MIN_GROUP_RATINGS times, and that group's Wilson lower bound of the "convincing" share (the
"best" order's bound, `threads.wilson_lower_bound`, z = WILSON_Z) from its u "convincing" of
n ratings:

    wᵍ = (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n),  p = u / n

The comment's bridging score is the lowest of them, min over those groups of wᵍ: it is as
convincing across camps as the camp least convinced by it, given how few ratings each camp
gave. A group with fewer ratings says too little and is left out (not counted as 0).

**Two groups or more first.** A comment rated by only one group has convinced one camp at
most; it ranks below every comment rated by two groups or more, whatever its bound. Both rules
are one stored number, so that the order is one column (`ORDER BY bridging DESC NULLS LAST`,
then the "best" order for ties):

- rated by two groups or more: the lowest bound, in [0, 1);
- rated by one group only: that group's bound − 1, in [−1, 0), so below all of the above
  (a Wilson lower bound is always below 1) and still ordered by that bound among themselves;
- rated by no group MIN_GROUP_RATINGS times: NULL, last.

`groups` (stored as `Comment.bridging_groups`) counts the groups that took part, so that a
page need not decode the number: the "convinced across camps" highlight asks for two or more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cases.threads import WILSON_Z, wilson_lower_bound

# Ratings a group must give a comment before its share counts.
MIN_GROUP_RATINGS = 3
# Groups whose ratings must count before a comment ranks among the bridging ones.
MIN_BRIDGED_GROUPS = 2


@dataclass(frozen=True)
class Bridging:
    score: float | None  # None: no group rated it MIN_GROUP_RATINGS times
    groups: int  # the groups that did


NOT_RATED = Bridging(score=None, groups=0)


def bridging_score(ratings: Iterable[tuple[int, int]], z: float = WILSON_Z) -> Bridging:
    """One comment's score from its ratings per group: (convincing, total) for each group."""
    bounds = [_bound(up, total, z) for up, total in ratings if total >= MIN_GROUP_RATINGS]
    if not bounds:
        return NOT_RATED
    lowest = min(bounds)
    if len(bounds) < MIN_BRIDGED_GROUPS:
        lowest -= 1.0
    return Bridging(score=lowest, groups=len(bounds))


def _bound(up: int, total: int, z: float) -> float:
    # No "convincing" rating: exactly 0, where the formula leaves rounding noise (±1e-17), so
    # that a camp that rejected a comment never counts as a little convinced.
    return wilson_lower_bound(up, total - up, z) if up else 0.0


def bridging_scores(rows: Iterable[tuple[int, int, int, int]]) -> dict[int, Bridging]:
    """{comment: its score} from rows of (comment, group, convincing, total), one per comment
    and group in any order; comments without a group's MIN_GROUP_RATINGS ratings are left out
    (they score NOT_RATED)."""
    per_comment: dict[int, list[tuple[int, int]]] = {}
    for comment_id, _group_id, up, total in rows:
        per_comment.setdefault(comment_id, []).append((up, total))
    scores = {comment_id: bridging_score(ratings) for comment_id, ratings in per_comment.items()}
    return {comment_id: score for comment_id, score in scores.items() if score.groups}
