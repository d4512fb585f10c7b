"""The flagged comments waiting for a curator, for the review queue (/curate/).

A comment is listed while it has open flags that count toward hiding (from established
accounts: cases.services.flags.flag_counts_toward_hiding); the other flags are in the admin's
flag list. Oldest first, as the proposals: the comment flagged longest ago leads. At most
`limit` comments, in four queries whatever the number of flags, each on an index (the partial
index `flag_open_counting_idx` holds only these flags; comments and cases by primary key).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, QuerySet
from django.utils.html import strip_tags
from django.utils.text import Truncator

from cases.models import Comment, Flag

FLAGGED_COMMENTS_SHOWN = 20
EXCERPT_LENGTH = 200


@dataclass(frozen=True)
class FlaggedComment:
    comment: Comment  # with its case
    count: int  # open flags that count toward hiding
    reasons: list[str]  # their distinct reasons' labels, in the order of Flag.Reason
    first_flagged: datetime
    excerpt: str  # the comment as plain text, shortened


def counting_open_flags() -> QuerySet[Flag]:
    """The flags the partial index holds: open, and counting toward hiding."""
    return Flag.objects.filter(resolved_at__isnull=True, counts_toward_hiding=True)


def flag_groups() -> QuerySet[Flag]:
    """Per flagged comment: its id, how many counting open flags, and when the first came."""
    return (
        counting_open_flags()
        .values("comment_id")
        .annotate(count=Count("pk"), first_flagged=Min("created_at"))
        .order_by("first_flagged", "comment_id")
    )


def flagged_comments(limit: int = FLAGGED_COMMENTS_SHOWN) -> tuple[list[FlaggedComment], int]:
    """The first `limit` flagged comments, oldest flag first, and how many there are in all."""
    groups = list(flag_groups()[:limit])
    if len(groups) < limit:
        total = len(groups)
    else:
        total = counting_open_flags().aggregate(n=Count("comment_id", distinct=True))["n"]
    ids = [group["comment_id"] for group in groups]
    comments = Comment.objects.select_related("case").in_bulk(ids)
    reasons: dict[int, set[str]] = {}
    pairs = (
        counting_open_flags()
        .filter(comment_id__in=ids)
        .order_by()
        .values_list("comment_id", "reason")
    )
    for comment_id, reason in pairs.distinct():
        reasons.setdefault(comment_id, set()).add(reason)
    listed = []
    for group in groups:
        comment = comments.get(group["comment_id"])
        if comment is None:
            continue  # removed since the first read (an account deleted, say)
        shown = reasons.get(comment.pk, set())
        listed.append(
            FlaggedComment(
                comment=comment,
                count=group["count"],
                reasons=[label for value, label in Flag.Reason.choices if value in shown],
                first_flagged=group["first_flagged"],
                excerpt=plain_excerpt(comment),
            )
        )
    return listed, total


def plain_excerpt(comment: Comment, length: int = EXCERPT_LENGTH) -> str:
    """The comment as the reader sees it, without its markup, on one line and shortened."""
    text = html.unescape(strip_tags(comment.body_html or comment.body))
    return Truncator(" ".join(text.split())).chars(length)
