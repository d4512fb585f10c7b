"""The discussion of a case, one page of threads at a time.

Every read here is bounded by the page, never by the case: the page's top-level comments
(ordered in SQL on stored, indexed columns), their replies (`root_id IN …`), the viewer's
ratings and flags on exactly those comments, and the highlights above the thread, each a
LIMIT query. A case with 5,000 comments costs what one with 50 does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from cases import services, threads
from cases.bridging import MIN_BRIDGED_GROUPS
from cases.models import Case, Comment, CommentVote, Flag, Vote
from cases.selectors.groups import groups_shown

BEST_ORDER = threads.SQL_ORDER["best"]
BRIDGING_ORDER = threads.SQL_ORDER[threads.BRIDGING_ORDER]


def default_order() -> str:
    """The comments' order when the reader asks for none: "bridging" once opinion groups
    exist (a stored run with two shown groups or more), "best" until then. From the cache:
    no query per request."""
    return threads.BRIDGING_ORDER if groups_shown() else threads.DEFAULT_ORDER


def comment_orders(order: str) -> tuple[str, ...]:
    """The orders a reader is offered: "bridging" only once there are groups to bridge
    (or when it is the one asked for)."""
    if order == threads.BRIDGING_ORDER or groups_shown():
        return threads.ORDERS
    return tuple(value for value in threads.ORDERS if value != threads.BRIDGING_ORDER)


def _shown(viewer_id: int | None) -> Q:
    """What a viewer sees as a comment: readable ones, and their own hidden ones."""
    shown = Q(hidden_at__isnull=True, deleted_at__isnull=True)
    if viewer_id is not None:
        shown |= Q(deleted_at__isnull=True, author_id=viewer_id)
    return shown


def thread_roots(case: Case, *, order: str, viewer_id: int | None) -> QuerySet[Comment]:
    """The case's top-level comments that have something to show, in the page's order.

    A deleted or hidden top-level comment stays (as a placeholder) exactly when a comment of
    its thread is shown: the same rule threads.build_threads applies node by node.
    """
    shown = _shown(viewer_id)
    in_thread_shown = Exists(Comment.objects.filter(root_id=OuterRef("pk")).filter(shown))
    return (
        Comment.objects.filter(case=case, parent__isnull=True)
        .filter(shown | in_thread_shown)
        .order_by(*threads.SQL_ORDER[order])
    )


def _with_authors(comments: QuerySet[Comment]) -> QuerySet[Comment]:
    return comments.select_related("author").with_author_vote()


@dataclass(frozen=True)
class ThreadPage:
    page: Page
    nodes: list[threads.ThreadNode]  # in reading order


def thread_page(
    case: Case, *, order: str, viewer_id: int | None, page_number: Any = None
) -> ThreadPage:
    """One page of threads (THREADS_PER_PAGE top-level comments with all their replies), in
    three queries: the count, the roots, the replies."""
    paginator = Paginator(
        thread_roots(case, order=order, viewer_id=viewer_id), threads.THREADS_PER_PAGE
    )
    page = paginator.get_page(page_number)
    roots = list(_with_authors(page.object_list))
    replies = []
    if roots:
        replies = list(
            _with_authors(Comment.objects.filter(root_id__in=[root.pk for root in roots]))
        )
    built = threads.build_threads(roots + replies, order=order, viewer_id=viewer_id)
    return ThreadPage(page=page, nodes=threads.flatten(built))


def cached_thread_page(case: Case, *, order: str, viewer, page_number: Any = None) -> ThreadPage:
    """`thread_page` as everyone sees it, kept in the cache under the case's `page_version`
    (bumped by every comment, rating, hiding and vote), so a page of threads is read from
    the database once per change of the discussion, not once per reader. A reader whose own
    comment is hidden sees it where others do not: their page is read for them."""
    viewer_id = viewer.pk if viewer is not None else None
    if viewer_id is not None and (
        Comment.objects.filter(case=case, author_id=viewer_id, hidden_at__isnull=False)
        .filter(deleted_at__isnull=True)
        .exists()
    ):
        return thread_page(case, order=order, viewer_id=viewer_id, page_number=page_number)
    text = str(page_number or "")
    number = text if text.isascii() and text.isdecimal() and len(text) < 7 else "1"
    key = f"thread:{case.pk}:{case.page_version}:{order}:{number}:{threads.THREADS_PER_PAGE}"
    cached = cache.get(key)
    if cached is None:
        fresh = thread_page(case, order=order, viewer_id=None, page_number=number)
        comments = [node.comment for node in fresh.nodes]
        cached = (comments, fresh.page.paginator.count, fresh.page.number)
        cache.set(key, cached, settings.FRAGMENT_CACHE_SECONDS)
        return fresh
    comments, count, current = cached
    page = Paginator(range(count), threads.THREADS_PER_PAGE).page(current)
    built = threads.build_threads(comments, order=order, viewer_id=None)
    return ThreadPage(page=page, nodes=threads.flatten(built))


def page_of_comment(case: Case, comment: Comment, *, order: str, viewer_id: int | None) -> int:
    """Which page of threads holds the comment, so that a redirect lands on it: the ids of
    the roots in order (one narrow query), not the comments."""
    root_id = comment.root_id or comment.pk
    ids = list(thread_roots(case, order=order, viewer_id=viewer_id).values_list("pk", flat=True))
    if root_id not in ids:
        return 1
    return ids.index(root_id) // threads.THREADS_PER_PAGE + 1


def comment_node(comment: Comment, *, viewer_id: int | None) -> threads.ThreadNode | None:
    """One comment as its thread shows it, for an htmx swap in place; None when nothing of
    it stays (deleted or hidden, without shown replies below it). Reads that one thread."""
    root_id = comment.root_id or comment.pk
    thread = _with_authors(
        Comment.objects.filter(Q(pk=root_id) | Q(root_id=root_id))
    ).select_related("case")
    built = threads.build_threads(list(thread), order="old", viewer_id=viewer_id)
    return next((node for node in threads.flatten(built) if node.comment.pk == comment.pk), None)


def viewer_marks(viewer, comment_ids: list[int]) -> dict[str, Any]:
    """The viewer's ratings and flags on these comments only: one query each, the way
    Lobsters loads a reader's votes."""
    if viewer is None or not viewer.is_authenticated or not comment_ids:
        return {"viewer_ratings": {}, "viewer_flagged_ids": set()}
    ratings = CommentVote.objects.filter(user=viewer, comment_id__in=comment_ids)
    flags = Flag.objects.filter(user=viewer, comment_id__in=comment_ids)
    return {
        "viewer_ratings": dict(ratings.values_list("comment_id", "value")),
        "viewer_flagged_ids": set(flags.values_list("comment_id", flat=True)),
    }


def readable_comments(case: Case) -> QuerySet[Comment]:
    return Comment.objects.filter(case=case).visible()


def best_by_side(case: Case) -> dict[str, Comment]:
    """The most convincing readable comment from each side ("made sense" / "did not"),
    judged by its author's vote on the case; only comments someone found convincing count.
    One query per side, each a LIMIT 1 on the stored score."""
    best = {}
    for side in (Vote.Choice.YES, Vote.Choice.NO):
        comment = (
            _with_authors(readable_comments(case).filter(upvotes__gt=0))
            .filter(author_vote=side)
            .order_by(*BEST_ORDER)
            .first()
        )
        if comment is not None:
            best[str(side)] = comment
    return best


def best_across_camps(case: Case) -> Comment | None:
    """The readable comment that convinced readers across camps most: rated by two opinion
    groups or more, and found convincing by some of each (a bridging score above 0). One
    LIMIT 1 query on the stored score (cases/bridging.py)."""
    return (
        readable_comments(case)
        .filter(bridging_groups__gte=MIN_BRIDGED_GROUPS, bridging__gt=0)
        .select_related("author")
        .order_by(*BRIDGING_ORDER)
        .first()
    )


def most_minds_changed(case: Case, limit: int = 3) -> list[Comment]:
    return list(
        readable_comments(case)
        .filter(minds_changed__gt=0)
        .order_by("-minds_changed", "created_at", "pk")[:limit]
    )


def mind_change_candidates(case: Case, viewer, limit: int = 10) -> list[Comment]:
    """Comments a voter may credit: readable, not their own, the most convincing first."""
    return list(
        _with_authors(readable_comments(case).exclude(author=viewer)).order_by(*BEST_ORDER)[:limit]
    )


def comment_labels() -> dict[str, str]:
    """The constant words of a comment, translated once per page rather than per comment."""
    hours = int(Comment.SCORE_HIDDEN_FOR.total_seconds() // 3600)
    return {
        "deleted": _("[deleted]"),
        "hidden": _("[hidden by the moderators]"),
        "deleted_account": _("[deleted account]"),
        "edited": _("edited"),
        "convincing": _("Convincing"),
        "not_convincing": _("Not convincing"),
        "reply": _("Reply"),
        "edit": _("Edit"),
        "delete": _("Delete"),
        "delete_curator": _("Delete (curator)"),
        "why_delete": _("Why delete it?"),
        "confirm_delete": _("Delete your comment? Replies to it stay."),
        "flag": _("Flag"),
        "flagged": _("You flagged this comment."),
        # In place of the score while it is hidden (Comment.score_visible).
        "score_hidden": _("score hidden for now"),
        "score_hidden_why": ngettext(
            "Scores show %(hours)s hour after a comment is posted, so that early ratings do "
            "not steer later ones.",
            "Scores show %(hours)s hours after a comment is posted, so that early ratings do "
            "not steer later ones.",
            hours,
        )
        % {"hours": hours},
    }


def seconds_until_a_score_shows(nodes: list[threads.ThreadNode], *, now: datetime) -> int | None:
    """How long until the first of these comments whose score is still hidden shows it (in
    whole seconds, at least 1), or None when no shown comment has a hidden score: a page cached
    as a whole should live no longer than this, since the score would appear in it."""
    waits = [
        node.comment.created_at + Comment.SCORE_HIDDEN_FOR - now
        for node in nodes
        if node.shown_as in ("comment", "hidden_own") and not node.comment.score_visible(now)
    ]
    return max(1, int(min(waits).total_seconds()) + 1) if waits else None


def _comment_key(
    node: threads.ThreadNode, viewer, case: Case, marks: dict[str, Any], *, now: datetime
) -> str:
    """Everything one comment's HTML depends on, for this viewer: the row as just read (so
    an edit, a rating, a deletion or the author's new vote gives a new key without any
    bump), whether its score is shown yet (so HTML cached while it was hidden is rendered
    again once it shows), and what the viewer may do with it."""
    comment = node.comment
    author = comment.author.username if comment.author else ""
    viewer_part = "anonymous"
    if viewer is not None and viewer.is_authenticated:
        viewer_part = ".".join(
            str(flag)
            for flag in (
                viewer.is_suspended,  # a suspended viewer gets no controls
                comment.author_id == viewer.pk,
                marks["viewer_ratings"].get(comment.pk),
                comment.pk in marks["viewer_flagged_ids"],
                services.can_edit_comment(viewer, comment),
                services.can_delete_comment(viewer, comment),
            )
        )
    parts = (
        comment.pk,
        node.shown_as,
        node.level,
        author,
        getattr(comment, "author_vote", None),
        comment.upvotes,
        comment.downvotes,
        comment.minds_changed,
        comment.score_visible(now),
        comment.edited_at and comment.edited_at.isoformat(),
        comment.hidden_at and comment.hidden_at.isoformat(),
        comment.hidden_by_id,  # who hid it, and the site's code: the reason its author sees
        comment.hidden_code,
        case.is_published and not case.is_closed,
        viewer_part,
        get_language(),
    )
    return "comment:" + ":".join(map(str, parts))


def render_comments(
    nodes: list[threads.ThreadNode], *, viewer, case: Case, marks: dict[str, Any], labels
) -> None:
    """Give each node its HTML (`node.html`): from the cache in one read for the whole page,
    rendering and storing only the comments that changed. Curators get nothing cached here:
    their delete forms carry their own CSRF token, so the template renders them."""
    if viewer is not None and services.is_curator(viewer):
        return
    now = timezone.now()
    keys = {node.comment.pk: _comment_key(node, viewer, case, marks, now=now) for node in nodes}
    cached = cache.get_many(list(keys.values()))
    missing = {}
    context = {
        "case": case,
        "labels": labels,
        "user": viewer or AnonymousUser(),
        "limits": settings.TEXT_LIMITS,
        **marks,
    }
    for node in nodes:
        key = keys[node.comment.pk]
        html = cached.get(key)
        if html is None:
            html = render_to_string("cases/_comment.html", {**context, "node": node})
            missing[key] = html
        node.html = mark_safe(html)  # our own template's output
    if missing:
        cache.set_many(missing, settings.FRAGMENT_CACHE_SECONDS)
