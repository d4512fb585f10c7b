"""Comment threads: ranking, nesting and what each viewer gets to see.

A page of threads is loaded by cases/selectors/comments.py: the page's top-level comments
in SQL order (the same order `sort_key` gives, on the stored `wilson`), then their replies by
`root_id`; they are arranged here in Python. A case with 5,000 comments costs what one with 50
does: only one page of threads is ever read or rendered.

The orders: "best" by the Wilson lower bound of a comment's "convincing" share
(`wilson_lower_bound`, stored as `Comment.wilson` by every rating); "bridging" by how
convincing readers from different opinion groups found it (the lowest of the groups' Wilson
bounds, comments rated by one group only below those rated by two or more: cases/bridging.py,
stored as `Comment.bridging` by each run of the groups), the default once groups exist
(cases/selectors/comments.py, `default_order`); "new" and "old" by date.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.db.models import F
from django.urls import get_script_prefix, reverse

from cases.models import Comment

ORDERS = ("bridging", "best", "new", "old")
# Without opinion groups; once they exist "bridging" is (cases/selectors/comments.py).
DEFAULT_ORDER = "best"
BRIDGING_ORDER = "bridging"
THREADS_PER_PAGE = 20

# 80 % confidence: the z-score Lobsters uses for its comment ranking.
WILSON_Z = 1.2816


def wilson_lower_bound(up: int, down: int, z: float = WILSON_Z) -> float:
    """Lower bound of the Wilson score interval for the share of "convincing" ratings.

    With n ratings of which a share p is positive:

        (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)

    It ranks a comment by how convincing it is *at least*, given how few ratings it has:
    10 of 10 beats 1 of 1, and an unrated comment scores 0.

    The "bridging" order takes this bound once per opinion group, from that group's members'
    ratings only, and ranks a comment by the lowest of them (cases/bridging.py).
    """
    n = up + down
    if n == 0:
        return 0.0
    p = up / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (centre - spread) / (1 + z2 / n)


def _best_key(c: Comment) -> tuple:
    # Wilson bound (stored), then more ratings, then the older comment (read longer)
    return (-c.wilson, -(c.upvotes + c.downvotes), c.created_at.timestamp(), c.pk)


def sort_key(order: str):
    if order == "new":
        return lambda c: (-c.created_at.timestamp(), -c.pk)
    if order == "old":
        return lambda c: (c.created_at.timestamp(), c.pk)
    if order == BRIDGING_ORDER:
        # The stored bridging score, comments without one last; ties as "best".
        return lambda c: (c.bridging is None, -(c.bridging or 0.0), *_best_key(c))
    return _best_key


# The SQL spelling of sort_key, for ordering top-level comments in the database.
BEST_SQL_ORDER = ("-wilson", (F("upvotes") + F("downvotes")).desc(), "created_at", "pk")
SQL_ORDER = {
    "new": ("-created_at", "-pk"),
    "old": ("created_at", "pk"),
    "best": BEST_SQL_ORDER,
    # NULLS LAST spelled out: PostgreSQL puts NULLs first in a descending order, SQLite last.
    BRIDGING_ORDER: (F("bridging").desc(nulls_last=True), *BEST_SQL_ORDER),
}


@lru_cache(maxsize=16)
def _url_pattern(name: str, prefix: str) -> str:
    return reverse(name, kwargs={"comment_id": 1_234_567_890}).replace("1234567890", "{}")


def comment_url(name: str, comment_id: int) -> str:
    """reverse(name, comment_id) without reversing per comment: the pattern is resolved once."""
    return _url_pattern(name, get_script_prefix()).format(comment_id)


@dataclass
class ThreadNode:
    comment: Comment
    children: list[ThreadNode] = field(default_factory=list)
    # What the viewer sees: the comment itself, or a placeholder that keeps replies in place.
    shown_as: str = "comment"  # "comment" | "deleted" | "hidden" | "hidden_own"
    # The comment's HTML when the selector already has it (cached), else the template renders.
    html: str = ""

    @property
    def level(self) -> int:
        return self.comment.depth

    @cached_property
    def id(self) -> str:
        """The comment's id as text: no number localisation per use in the template."""
        return str(self.comment.pk)

    @cached_property
    def urls(self) -> dict[str, str]:
        pk = self.comment.pk
        return {
            "rate": comment_url("cases:comment_rate", pk),
            "reply": comment_url("cases:comment_reply", pk),
            "edit": comment_url("cases:comment_edit", pk),
            "delete": comment_url("cases:comment_delete", pk),
            "flag": comment_url("cases:comment_flag", pk),
        }

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
    return comment.is_readable
