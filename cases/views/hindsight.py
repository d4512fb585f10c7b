"""Hindsight: the reader's answer knowing what happened, and the curators' outcome updates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.decorators import back_to_case, curator_required, login_required
from cases.hindsight_forms import HindsightVoteForm, OutcomeUpdateForm, RemoveOutcomeForm
from cases.http import HtmxHttpRequest, form_errors, refuse
from cases.models import Case, HindsightVote, OutcomeUpdate, Vote
from cases.selectors.blind import show_result
from cases.selectors.case_page import viewer_vote
from cases.selectors.hindsight import hindsight_section, outcome_tools
from cases.services import hindsight as services
from outsourcing.limits import rate_limited

OUTCOME_TOOLS = "cases/_outcome_tools.html"


def render_hindsight(
    request: HtmxHttpRequest, case: Case, message: str, answer: HindsightVote
) -> HttpResponse:
    """The hindsight section alone, from its own small context (cases/selectors/hindsight.py)."""
    shown = show_result(request, case, viewer_vote(case, request.user))
    context = hindsight_section(
        case, request.user, show_result=shown, hindsight_vote=answer, message=message
    )
    return render(request, "cases/_hindsight.html", context)


@require_POST
@login_required(back=back_to_case)
@rate_limited("vote", per="slug")
def hindsight_vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    services.check_can_answer_hindsight(user=request.user, case=case)
    form = HindsightVoteForm(request.POST)
    if not form.is_valid():
        return refuse(request, form_errors(form), status=400, back_url=case.get_absolute_url())
    outcome = services.cast_hindsight_vote(
        user=request.user, case=case, choice=form.cleaned_data["choice"]
    )
    label = Vote.Choice(outcome.vote.choice).label
    if outcome.is_new:
        message = _("Your answer knowing what happened is in: “%(label)s”.") % {"label": label}
    elif outcome.changed:
        message = _("Your answer knowing what happened is changed to “%(label)s”.") % {
            "label": label
        }
    else:
        message = _("You had already answered “%(label)s”; nothing changed.") % {"label": label}
    if request.htmx:
        return render_hindsight(request, case, message, outcome.vote)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}#hindsight")


def render_outcome_tools(request: HtmxHttpRequest, case: Case, message: str) -> HttpResponse:
    """The curator's outcome tools after an act, and out of band the hindsight section as
    the curator now sees it on the page."""
    shown = show_result(request, case, viewer_vote(case, request.user))
    section = hindsight_section(case, request.user, show_result=shown)
    tools = outcome_tools(case, updates=section["outcome_updates"], message=message)
    return render(request, OUTCOME_TOOLS, {**section, **tools, "oob": True})


@require_POST
@curator_required
@rate_limited("curation")
def outcome_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case, slug=slug)
    form = OutcomeUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.add_outcome_update(moderator=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        # Nothing was added: the form again with the reason and everything as typed.
        if request.htmx:
            return render(request, OUTCOME_TOOLS, outcome_tools(case, form=form))
        return refuse(request, form_errors(form), status=400, back_url=case.get_absolute_url())
    message = _("The update on what happened next is added.")
    if request.htmx:
        return render_outcome_tools(request, case, message)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}#hindsight")


@require_POST
@curator_required
@rate_limited("curation")
def outcome_remove(request: HtmxHttpRequest, update_id: int) -> HttpResponse:
    # A removed one too: removing it again (a double click) changes nothing.
    update = get_object_or_404(OutcomeUpdate.objects.select_related("case"), pk=update_id)
    case = update.case
    form = RemoveOutcomeForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return render(request, OUTCOME_TOOLS, outcome_tools(case, error=form_errors(form)))
        return refuse(request, form_errors(form), status=400, back_url=case.get_absolute_url())
    services.remove_outcome_update(
        moderator=request.user, update=update, reason=form.cleaned_data["reason"]
    )
    message = _("The update is removed from the case's page.")
    if request.htmx:
        return render_outcome_tools(request, case, message)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}#hindsight")
