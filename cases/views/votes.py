"""Voting on a case, and crediting the comment that changed one's mind."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import services
from cases.decorators import back_to_case, login_required
from cases.forms import ChangedMindForm, VoteForm
from cases.http import HtmxHttpRequest, form_errors, refuse
from cases.models import Case, Comment, Vote
from cases.selectors.blind import remember_in_session, revealed_in_session
from cases.selectors.case_page import case_page, revealed_parts, vote_box
from outsourcing.limits import rate_limited


def render_vote_box(
    request: HtmxHttpRequest, case: Case, message: str, vote: Vote | None = None
) -> HttpResponse:
    """The vote box alone, from its own small context (cases/selectors/case_page.py)."""
    context = vote_box(request, case, vote=vote, message=message)
    return render(request, "cases/_vote_box.html", context)


def render_revealed(
    request: HtmxHttpRequest, case: Case, message: str, vote: Vote | None = None
) -> HttpResponse:
    """The vote box, and out of band every part of the page that hid the result."""
    context = revealed_parts(request, case, vote=vote, message=message)
    return render(request, "cases/_revealed.html", context)


@require_POST
@login_required(back=back_to_case)
@rate_limited("vote", per="slug")
def vote(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    services.check_can_participate(user=request.user, case=case)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return refuse(request, form_errors(form), status=400, back_url=case.get_absolute_url())
    outcome = services.cast_vote(
        user=request.user,
        case=case,
        choice=form.cleaned_data["choice"],
        condition=form.cleaned_data["condition"],
        saw_result=revealed_in_session(request, case),
    )
    label = Vote.Choice(outcome.vote.choice).label
    if outcome.is_new:
        message = _("Your vote is in: “%(label)s”.") % {"label": label}
    elif outcome.changed:
        message = _("Your vote is changed to “%(label)s”.") % {"label": label}
    else:
        message = _("You had already voted “%(label)s”; nothing changed.") % {"label": label}

    if request.htmx:
        if outcome.is_new and outcome.vote.blind:  # the result was hidden until now
            return render_revealed(request, case, message, vote=outcome.vote)
        return render_vote_box(request, case, message, vote=outcome.vote)
    messages.success(request, message)
    if outcome.changed:
        # Without JavaScript, the question "did a comment change your mind?" is its own page.
        return redirect("cases:changed_mind", slug=case.slug)
    return redirect(f"{case.get_absolute_url()}#verdict")


@require_POST
@rate_limited("reveal")
def reveal(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The "show me the verdict without voting" button: recorded on the member's account, or in a
    visitor's session (which their vote after logging in reads too); a vote cast afterwards
    is not blind. No login needed: a visitor may look before deciding to join."""
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    member = request.user if request.user.is_authenticated else None
    vote = Vote.objects.filter(user=member, case=case).first() if member else None
    if not case.blind_mode or vote is not None:
        message = _("The verdict is shown to you already.")
    else:
        if member:
            services.reveal_verdict(user=member, case=case)
        else:
            remember_in_session(request, case)
        message = _(
            "Here is the verdict so far. A vote you cast now does not count in the blind verdict."
        )
    if request.htmx:
        return render_revealed(request, case, message, vote=vote)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}#verdict")


@require_http_methods(["GET", "POST"])
@login_required(back=back_to_case)
@rate_limited("changed_mind")
def changed_mind(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).in_language().select_related("category"), slug=slug
    )
    services.check_can_participate(user=request.user, case=case)
    if request.method == "GET":
        context = case_page(request, case, order="best")
        if not context["mind_change_pending"]:
            messages.info(request, _("Only a change of your vote can credit a comment."))
            return redirect(case.get_absolute_url())
        return render(request, "cases/changed_mind.html", context)

    form = ChangedMindForm(request.POST)
    if not form.is_valid():
        return refuse(request, form_errors(form), status=400, back_url=case.get_absolute_url())
    comment = Comment.objects.filter(pk=form.cleaned_data["comment"]).first()
    if comment is None:
        return refuse(request, _("That comment does not exist."), status=400)
    try:
        services.credit_mind_change(user=request.user, case=case, comment=comment)
    except ValidationError as error:
        return refuse(request, " ".join(error.messages), status=400)
    message = _("Thank you: that comment is credited with changing your mind.")
    if request.htmx:
        return render_vote_box(request, case, message)
    messages.success(request, message)
    return redirect(f"{case.get_absolute_url()}#comment-{comment.pk}")
