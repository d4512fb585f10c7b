"""What the case page shows, and what each of its htmx partials shows, gathered here.

The page is three parts, each with its own small context: the case itself (story, facts,
sources, chart, perspectives, rule of thumb: stored figures, a few indexed reads), the vote
box (the viewer's vote; conditions and "did a comment change your mind?" only when there is
something to show), and the discussion (one page of threads; cases/selectors/comments.py).
An htmx vote renders only the vote box; an htmx comment renders only that comment.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest
from django.http import HttpRequest
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases import services, threads
from cases.charts import chart_for
from cases.forms import CommentForm, VoteForm
from cases.groups_version import groups_version
from cases.models import Case, MindChange, Vote
from cases.perspectives import verdict_by_perspective
from cases.rule_of_thumb import agreement
from cases.selectors import comments as comment_reads
from cases.selectors.blind import blind_comparison, show_result
from cases.selectors.groups_page import group_verdicts
from cases.selectors.hindsight import hindsight_section, outcome_tools
from cases.selectors.related import link_tools, related_cases
from cases.tallies import depends_conditions, vote_shift
from cases.translations import show_in_language


def comment_order(request: HttpRequest) -> str:
    """The order asked for, or the default (`comment_reads.default_order`: "bridging" once
    opinion groups exist, "best" until then)."""
    order = request.GET.get("order") or comment_reads.default_order()
    if order not in threads.ORDERS:
        raise BadRequest(
            _("“%(order)s” is not a comment order: use bridging, best, new or old.")
            % {"order": order}
        )
    return order


def _viewer(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def viewer_vote(case: Case, viewer) -> Vote | None:
    return Vote.objects.filter(user=viewer, case=case).first() if viewer else None


def vote_box(
    request: HttpRequest,
    case: Case,
    *,
    vote: Vote | None = None,
    vote_form: VoteForm | None = None,
    message: str = "",
) -> dict[str, Any]:
    """The vote box's context. `vote`: the viewer's vote when the caller already has it
    (after casting one), else it is read. At most four queries: the vote, the reveal (only
    while the result is hidden and they have not voted), the conditions (only when any are
    named), the comments to credit (only after a change of vote); and whether any comment
    was credited with a change of mind (only when minds changed)."""
    viewer = _viewer(request)
    if vote is None:
        vote = viewer_vote(case, viewer)
    pending = services.mind_change_pending(vote)
    initial = {"choice": vote.choice, "condition": vote.condition} if vote else {}
    return {
        "case": case,
        "vote_form": vote_form or VoteForm(initial=initial),
        "viewer_vote": vote.choice if vote else None,
        "show_result": show_result(request, case, vote),
        "blind": blind_comparison(case),
        "shift": vote_shift(case),
        "minds_credited": SimpleLazyObject(lambda: MindChange.objects.filter(case=case).exists()),
        # The same for everyone: read only when the box's cached list is missing.
        "conditions": SimpleLazyObject(lambda: depends_conditions(case)),
        "mind_change_pending": pending,
        "mind_change_candidates": (
            comment_reads.mind_change_candidates(case, viewer) if pending else []
        ),
        "vote_message": message,
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
    }


def comment_section(
    case: Case,
    viewer,
    *,
    order: str,
    page_number: Any = None,
    comment_form: CommentForm | None = None,
    message: str = "",
) -> dict[str, Any]:
    """The discussion: one page of threads, the highlights, the viewer's marks on the page."""
    thread_page = comment_reads.cached_thread_page(
        case, order=order, viewer=viewer, page_number=page_number
    )
    comment_ids = [node.comment.pk for node in thread_page.nodes]
    marks = comment_reads.viewer_marks(viewer, comment_ids)
    labels = comment_reads.comment_labels()
    comment_reads.render_comments(
        thread_page.nodes, viewer=viewer, case=case, marks=marks, labels=labels
    )
    return {
        "case": case,
        "order": order,
        "orders": comment_reads.comment_orders(order),
        "threads_page": thread_page.page,
        "comment_nodes": thread_page.nodes,
        "comment_count": case.comment_count,
        # Read only if the template's cached highlights are missing (_highlights.html).
        **highlights(case),
        "comment_form": comment_form or CommentForm(),
        "comment_message": message,
        "labels": labels,
        **marks,
    }


def case_page(
    request: HttpRequest,
    case: Case,
    *,
    comment_form: CommentForm | None = None,
    vote_form: VoteForm | None = None,
    order: str | None = None,
) -> dict[str, Any]:
    """Everything the case page shows."""
    viewer = _viewer(request)
    box = vote_box(request, case, vote_form=vote_form)
    figures = case_figures(case)
    curator = services.is_curator(request.user)
    hindsight = hindsight_section(case, viewer, show_result=box["show_result"])
    return {
        **box,
        **hindsight,
        **(outcome_tools(case, updates=hindsight.get("outcome_updates")) if curator else {}),
        **comment_section(
            case,
            viewer,
            order=order or comment_order(request),
            page_number=request.GET.get("page"),
            comment_form=comment_form,
        ),
        **figures,
        **(link_tools(case, figures["related_cases"]) if curator else {}),
        "is_curator": curator,
    }


def case_figures(case: Case) -> dict[str, Any]:
    """The figures column (_case_figures.html): the parts every reader sees alike, the
    related cases among them, read only when their cached block is missing."""
    return {
        "sources": case.sources.all(),
        "perspective_verdicts": SimpleLazyObject(lambda: verdict_by_perspective(case)),
        # Stored by the last run of the groups, not by votes: the cached block's key carries
        # the groups' state too (a cache read, no query).
        "group_verdicts": SimpleLazyObject(lambda: group_verdicts(case)),
        "groups_version": SimpleLazyObject(groups_version),
        "rule": agreement(case),
        "chart": SimpleLazyObject(lambda: chart_for(case)),
        "related_cases": SimpleLazyObject(lambda: related_cases(case)),
    }


def highlights(case: Case) -> dict[str, Any]:
    """Above the thread (_highlights.html), read only when its cached block is missing."""
    return {
        "best_by_side": SimpleLazyObject(lambda: comment_reads.best_by_side(case)),
        "best_across_camps": SimpleLazyObject(lambda: comment_reads.best_across_camps(case)),
        "most_minds_changed": SimpleLazyObject(lambda: comment_reads.most_minds_changed(case)),
    }


def revealed_parts(request: HttpRequest, case: Case, *, vote: Vote | None, message: str):
    """The htmx answer when the result has just become visible to the reader (a reveal, or
    their first vote on a blind case): the vote box, and out of band the figures, the
    highlights and the hindsight section, which showed nothing of the result before."""
    viewer = _viewer(request)
    box = vote_box(request, case, vote=vote, message=message)
    return {
        **box,
        **case_figures(case),
        **highlights(case),
        **hindsight_section(case, viewer, show_result=True),
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
    }


def single_comment(request: HttpRequest, comment) -> dict[str, Any] | None:
    """The context for one comment swapped in place by htmx; None when it leaves the page."""
    viewer = _viewer(request)
    node = comment_reads.comment_node(comment, viewer_id=viewer.pk if viewer else None)
    if node is None:
        return None
    return {
        "node": node,
        "case": node.comment.case,
        "labels": comment_reads.comment_labels(),
        **comment_reads.viewer_marks(viewer, [node.comment.pk]),
    }


# Part of the visitor's page key: a new page layout must not be served from the old one's entries.
PAGE_LAYOUT = "4"
# Where a visitor's own CSRF token goes in their cached page (the reveal button's form).
CSRF_MARKER = "<!--csrf-token-->"


def case_page_cache_key(case: Case, *, order: str, page: str, shown: bool = True) -> str:
    """Everything the visitor's page depends on: the case (`Case.cache_version`), the
    comment order and page, whether the result is shown (blind mode; then the verdict by
    group shows too, so the groups' state is part of the key), the language (and the
    layout)."""
    page_number = page if page.isascii() and page.isdecimal() and len(page) < 7 else "1"
    parts = ["case-page", PAGE_LAYOUT, case.cache_version, order, page_number]
    if shown:
        parts.append(groups_version())
    return ":".join([*parts, "shown" if shown else "blind", get_language() or ""])


# What the page's <head> shows of a case (its <title>, description, share texts).
HEAD_TEXTS = ("title", "decision", "summary")


def case_page_html(request: HttpRequest, case: Case) -> tuple[SafeString, dict[str, str]]:
    """The case page's content for a visitor who is not logged in, and the case's texts for
    the <head> (HEAD_TEXTS), in the reader's language: from the cache (one key read) or
    rendered and stored. `case` is read as written: it is shown in the reader's language only
    when rendered (a miss), so a hit costs no translation read. It carries no CSRF token and
    nothing personal."""
    order = comment_order(request)
    shown = show_result(request, case, None)
    page = request.GET.get("page") or "1"
    key = case_page_cache_key(case, order=order, page=page, shown=shown)
    cached = cache.get(key)
    if cached is None:
        show_in_language([case])
        context = {**case_page(request, case, order=order), "csrf_marker": mark_safe(CSRF_MARKER)}
        html = render_to_string("cases/_case_main.html", context, request=request)
        cached = (html, {name: getattr(case, name) for name in HEAD_TEXTS})
        # Kept until a comment's hidden score is due to show, at the longest for an hour.
        due = comment_reads.seconds_until_a_score_shows(
            context["comment_nodes"], now=timezone.now()
        )
        cache.set(key, cached, min(settings.FRAGMENT_CACHE_SECONDS, due or math.inf))
    html, head_texts = cached
    if CSRF_MARKER in html:  # the reveal button's form: this visitor's own token
        html = html.replace(CSRF_MARKER, csrf_input(request))
    return mark_safe(html), head_texts  # rendered by our own template above
