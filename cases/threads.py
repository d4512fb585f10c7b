"""Comment threads: ranking, nesting and what each viewer gets to see.

All comments of a case are loaded in one query and arranged here in Python, so a page
with hundreds of comments costs the same number of queries as one with none.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from cases.models import Comment, Vote

ORDERS = ("best", "new", "old")
DEFAULT_ORDER = "best"
THREADS_PER_PAGE = 200

# 80 % confidence: the z-score Lobsters uses for its comment ranking.
WILSON_Z = 1.2816


def wilson_lower_bound(up: int, down: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for the share of "convincing" ratings.

    With n ratings of which a share p is positive:

        (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)

    It ranks a comment by how convincing it is *at least*, given how few ratings it has:
    10 of 10 beats 1 of 1, and an unrated comment scores 0.
    """
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - spread) / (1 + z2 / n)


def sort_key(order: str):
    if order == "new":
        return lambda c: (-c.created_at.timestamp(), -c.pk)
    if order == "old":
        return lambda c: (c.created_at.timestamp(), c.pk)
    # best: Wilson bound, then more ratings, then the older comment (it has been read longer)
    return lambda c: (
        -wilson_lower_bound(c.upvotes, c.downvotes),
        -(c.upvotes + c.downvotes),
        c.created_at.timestamp(),
        c.pk,
    )


@dataclass
class ThreadNode:
    comment: Comment
    children: list[ThreadNode] = field(default_factory=list)
    # What the viewer sees: the comment itself, or a placeholder that keeps replies in place.
    shown_as: str = "comment"  # "comment" | "deleted" | "hidden" | "hidden_own"

    @property
    def level(self) -> int:
        return self.comment.depth

    def walk(self) -> Iterable[ThreadNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def build_threads(
    comments: Iterable[Comment], *, order: str, viewer_id: int | None
) -> list[ThreadNode]:
    """Arrange a case's comments into ordered threads for one viewer.

    Deleted and hidden comments become placeholders when replies hang from them and vanish
    otherwise; the author of a hidden comment still sees it, with the reason.
    """
    nodes = {comment.pk: ThreadNode(comment) for comment in comments}
    roots: list[ThreadNode] = []
    for node in nodes.values():
        parent = nodes.get(node.comment.parent_id) if node.comment.parent_id else None
        (parent.children if parent else roots).append(node)

    key = sort_key(order)

    def prune(siblings: list[ThreadNode]) -> list[ThreadNode]:
        kept = []
        for node in sorted(siblings, key=lambda n: key(n.comment)):
            node.children = prune(node.children)
            comment = node.comment
            if comment.is_deleted:
                node.shown_as = "deleted"
            elif comment.is_hidden:
                own = viewer_id is not None and comment.author_id == viewer_id
                node.shown_as = "hidden_own" if own else "hidden"
            if node.shown_as in ("comment", "hidden_own") or node.children:
                kept.append(node)
        return kept

    return prune(roots)


def flatten(threads: Iterable[ThreadNode]) -> list[ThreadNode]:
    """Threads in reading order; each node's `level` (0-2) says how far to indent it."""
    return [node for root in threads for node in root.walk()]


def is_readable(comment: Comment) -> bool:
    return not comment.is_hidden and not comment.is_deleted


def best_by_side(comments: Iterable[Comment]) -> dict[str, Comment]:
    """The most convincing comment from each side, judged by its author's vote on the case.

    Only comments someone found convincing count: an unrated comment is nobody's best.
    """
    best: dict[str, Comment] = {}
    key = sort_key("best")
    for comment in comments:
        side = getattr(comment, "author_vote", None)
        if side not in (Vote.Choice.YES, Vote.Choice.NO) or not is_readable(comment):
            continue
        if comment.upvotes == 0:
            continue
        if side not in best or key(comment) < key(best[side]):
            best[side] = comment
    return best


def most_minds_changed(comments: Iterable[Comment], limit: int = 3) -> list[Comment]:
    changed = [c for c in comments if c.minds_changed and is_readable(c)]
    changed.sort(key=lambda c: (-c.minds_changed, c.created_at, c.pk))
    return changed[:limit]
