"""Thin views: validate, check, call a service, then redirect (plain) or render a partial (htmx)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from cases import services
from cases.decorators import login_required_back_to_case
from cases.forms import CaseFilterForm, CommentForm, VoteForm
from cases.models import Case, Comment, Vote


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=400)

    cases = Case.objects.published().with_tallies().select_related("category")
    query = form.cleaned_data["q"]
    category = form.cleaned_data["category"]
    sort = form.cleaned_data["sort"]
    if query:
        cases = cases.search(query)
    if category:
        cases = cases.filter(category=category)
    cases = cases.sorted_by(sort)

    page = Paginator(cases, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "categories": form.fields["category"].queryset,
        "is_filtered": bool(query or category or sort != "new"),
        "sort": sort,
        "active_category": category,
    }
    return render(request, "cases/case_list.html", context)


@require_GET
def case_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    return render(request, "cases/case_detail.html", _case_context(request, case))


@require_POST
@login_required_back_to_case
def vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.visible_to(request.user), slug=slug)
    services.check_can_participate(user=request.user, case=case)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "400.html",
            {"reason": " ".join(form.errors["choice"]), "back_url": case.get_absolute_url()},
            status=400,
        )
    outcome = services.cast_vote(user=request.user, case=case, choice=form.cleaned_data["choice"])
    label = Vote.Choice(outcome.vote.choice).label
    if outcome.is_new:
        message = _("Your vote is in: “%(label)s”.") % {"label": label}
    elif outcome.changed:
        message = _("Your vote is changed to “%(label)s”.") % {"label": label}
    else:
        message = _("You had already voted “%(label)s”; nothing changed.") % {"label": label}

    if request.htmx:
        context = {"case": case, "viewer_vote": outcome.vote.choice, "vote_message": message}
        return render(request, "cases/case_detail.html#vote-box", context)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}#verdict")


@require_POST
@login_required_back_to_case
def comment_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.visible_to(request.user), slug=slug)
    services.check_can_participate(user=request.user, case=case)
    form = CommentForm(request.POST)
    comment = None
    if form.is_valid():
        try:
            comment = services.add_comment(
                author=request.user, case=case, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error("body", error)

    if comment is None:
        # The page again, with the error and everything the user typed.
        context = _case_context(request, case, comment_form=form)
        if request.htmx:
            return render(request, "cases/case_detail.html#comments", context)
        return render(request, "cases/case_detail.html", context)

    message = _("Your comment is posted.")
    page_number = _page_of_comment(comment)
    if request.htmx:
        context = _case_context(request, case, comments_page=page_number)
        context["comment_message"] = message
        context["new_comment_id"] = comment.pk
        return render(request, "cases/case_detail.html#comments", context)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}?page={page_number}#comment-{comment.pk}")


def _case_context(
    request: HttpRequest,
    case: Case,
    *,
    comment_form: CommentForm | None = None,
    comments_page: int | str | None = None,
) -> dict[str, Any]:
    comments = case.comments.visible().select_related("author").with_author_vote()
    page = Paginator(comments, settings.COMMENTS_PER_PAGE).get_page(
        comments_page or request.GET.get("page")
    )
    viewer_vote = None
    if request.user.is_authenticated:
        viewer_vote = (
            Vote.objects.filter(user=request.user, case=case)
            .values_list("choice", flat=True)
            .first()
        )
    return {
        "case": case,
        "sources": case.sources.all(),
        "comments_page": page,
        "comment_form": comment_form or CommentForm(),
        "viewer_vote": viewer_vote,
    }


def _page_of_comment(comment: Comment) -> int:
    """Comments are oldest first, so a comment's page follows from how many came before it."""
    position = Comment.objects.visible().filter(case_id=comment.case_id, pk__lte=comment.pk).count()
    return max(1, math.ceil(position / settings.COMMENTS_PER_PAGE))
