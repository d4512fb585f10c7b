"""Everything the case page shows, gathered in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cases import services, threads
from cases.charts import chart_for
from cases.forms import CommentForm, VoteForm
from cases.models import Case, Comment, CommentVote, Flag, Vote
from cases.perspectives import verdict_by_perspective
from cases.rule_of_thumb import agreement
from cases.tallies import depends_conditions, vote_shift


def comment_order(request: HttpRequest) -> str:
    order = request.GET.get("order") or threads.DEFAULT_ORDER
    if order not in threads.ORDERS:
        raise BadRequest(
            _("“%(order)s” is not a comment order: use best, new or old.") % {"order": order}
        )
    return order


def case_comments(case: Case) -> list[Comment]:
    """Every comment of the case, hidden and deleted included (threads decide what shows)."""
    return list(
        case.comments.select_related("author").with_author_vote().order_by("created_at", "pk")
    )


def case_page_context(
    request: HttpRequest,
    case: Case,
    *,
    comment_form: CommentForm | None = None,
    vote_form: VoteForm | None = None,
    order: str | None = None,
    page_number: int | str | None = None,
) -> dict[str, Any]:
    order = order or comment_order(request)
    viewer = request.user if request.user.is_authenticated else None
    comments = case_comments(case)
    roots = threads.build_threads(comments, order=order, viewer_id=viewer.pk if viewer else None)
    page = Paginator(roots, threads.THREADS_PER_PAGE).get_page(
        page_number or request.GET.get("page")
    )

    viewer_vote = Vote.objects.filter(user=viewer, case=case).first() if viewer else None
    readable = [c for c in comments if threads.is_readable(c)]
    return {
        "case": case,
        "sources": case.sources.all(),
        "order": order,
        "orders": threads.ORDERS,
        "threads_page": page,
        "comment_nodes": threads.flatten(page.object_list),
        "comment_count": len(readable),
        "best_by_side": threads.best_by_side(comments),
        "most_minds_changed": threads.most_minds_changed(comments),
        "comment_form": comment_form or CommentForm(),
        "vote_form": vote_form or VoteForm(initial=_vote_initial(viewer_vote)),
        "viewer_vote": viewer_vote.choice if viewer_vote else None,
        **viewer_marks(viewer, case),
        "mind_change_pending": services.mind_change_pending(viewer_vote),
        "mind_change_candidates": mind_change_candidates(comments, viewer),
        "shift": vote_shift(case),
        "perspective_verdicts": verdict_by_perspective(case),
        "rule": agreement(case),
        "chart": chart_for(case),
        "conditions": depends_conditions(case),
        "is_curator": services.is_curator(request.user),
    }


def viewer_marks(viewer, case: Case) -> dict[str, Any]:
    """The viewer's ratings and flags on the case's comments: one query each for the whole
    page, the way Lobsters loads a reader's votes."""
    if viewer is None:
        return {"viewer_ratings": {}, "viewer_flagged_ids": set()}
    ratings = CommentVote.objects.filter(user=viewer, comment__case=case)
    flags = Flag.objects.filter(user=viewer, comment__case=case)
    return {
        "viewer_ratings": dict(ratings.values_list("comment_id", "value")),
        "viewer_flagged_ids": set(flags.values_list("comment_id", flat=True)),
    }


def _vote_initial(vote: Vote | None) -> dict[str, str]:
    return {"choice": vote.choice, "condition": vote.condition} if vote else {}


def mind_change_candidates(comments: list[Comment], viewer, limit: int = 10) -> list[Comment]:
    """Comments a voter may credit: shown, not their own, the most convincing first."""
    if viewer is None:
        return []
    candidates = [c for c in comments if threads.is_readable(c) and c.author_id != viewer.pk]
    candidates.sort(key=threads.sort_key("best"))
    return candidates[:limit]


def page_of_comment(case: Case, comment: Comment, *, order: str, viewer_id: int) -> int:
    """Which page of threads holds the comment, so a redirect lands on it."""
    roots = threads.build_threads(case_comments(case), order=order, viewer_id=viewer_id)
    for index, root in enumerate(roots):
        if any(node.comment.pk == comment.pk for node in root.walk()):
            return index // threads.THREADS_PER_PAGE + 1
    return 1
