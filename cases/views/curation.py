"""The curators' review queue (proposals, and the flagged comments waiting for a decision)
and case tools, every view behind one guard."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from cases import services
from cases.curation_forms import CloseCaseForm, DecisionNoteForm, FactorsForm
from cases.decorators import curator_required
from cases.http import HtmxHttpRequest, form_errors, is_local_path, refuse
from cases.models import Case
from cases.selectors.open_flags import flagged_comments
from cases.translations import show_case_titles
from outsourcing.limits import rate_limited


def _next_or(request: HtmxHttpRequest, default: str) -> str:
    """Where to go after the act: a posted `next` if it is a local path, else `default`.
    Called before acting: a `next` that is not a local path is a 400 and nothing happens."""
    target = request.POST.get("next", "")
    if not target:
        return default
    if not is_local_path(request, target):
        raise BadRequest(_("“next” must be a path on this site."))
    return target


QUEUE = "cases/review_queue.html"


def _pending() -> list[Case]:
    return list(
        Case.objects.filter(status=Case.Status.PENDING)
        .select_related("category", "proposer")
        .prefetch_related("sources")
        .order_by("submitted_at", "pk")
    )


def _pending_count() -> int:
    return Case.objects.filter(status=Case.Status.PENDING).count()


@require_safe
@curator_required
def review_queue(request: HtmxHttpRequest) -> HttpResponse:
    featured = Case.objects.filter(featured_at__isnull=False).order_by("-featured_at")
    pending = _pending()
    flagged, flagged_total = flagged_comments()
    show_case_titles([item.comment.case for item in flagged])  # in the reader's language
    context = {
        "proposals": [(case, FactorsForm(instance=case)) for case in pending],
        "pending_count": len(pending),
        "featured": featured,
        "max_featured": services.MAX_FEATURED,
        "flagged": flagged,
        "flagged_total": flagged_total,
    }
    return render(request, QUEUE, context)


DECISIONS = {
    "publish": (services.publish_proposal, "note", gettext_lazy("“%(title)s” is published.")),
    "send_back": (services.send_back_proposal, "note", gettext_lazy("“%(title)s” is sent back.")),
    "reject": (services.reject_proposal, "reason", gettext_lazy("“%(title)s” is rejected.")),
}


@require_POST
@curator_required
@rate_limited("curation")
def decide_proposal(request: HtmxHttpRequest, slug: str, decision: str) -> HttpResponse:
    case = get_object_or_404(Case, slug=slug)
    act, note_name, done = DECISIONS[decision]
    form = DecisionNoteForm(request.POST)
    reason = ""
    if form.is_valid():
        try:
            act(moderator=request.user, case=case, **{note_name: form.cleaned_data["note"]})
        except ValidationError as error:
            reason = " ".join(error.messages)
    else:
        reason = form_errors(form)
    if reason:
        # Nothing happened: the card again with the reason and the note as typed; the
        # counter too, out of band (another curator may have decided meanwhile).
        if request.htmx:
            context = {
                "case": case,
                "factors_form": FactorsForm(instance=case),
                "error": reason,
                "note_form": form,
                "decision": decision,
                "pending_count": _pending_count(),
            }
            return render(request, f"{QUEUE}#card-again", context)
        return refuse(request, reason, status=400, back_url=reverse("cases:curate"))
    message = str(done) % {"title": case.title}
    if request.htmx:
        # The card gives way to the message; "N proposals wait" follows, out of band.
        context = {"message": message, "pending_count": _pending_count()}
        return render(request, f"{QUEUE}#decided", context)
    messages.success(request, message)
    return redirect("cases:curate")


@require_POST
@curator_required
@rate_limited("curation")
def record_factors(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case, slug=slug)
    back = _next_or(request, reverse("cases:curate"))
    form = FactorsForm(request.POST, instance=Case.objects.get(pk=case.pk))
    if not form.is_valid():
        return refuse(request, form_errors(form), status=400, back_url=back)
    case = services.record_factors(moderator=request.user, case=case, **form.cleaned_data)
    message = _("The rule-of-thumb factors are saved.")
    if request.htmx:
        context = {"case": case, "factors_form": FactorsForm(instance=case), "message": message}
        return render(request, f"{QUEUE}#factors-form", context)
    messages.success(request, message)
    return redirect(back)


CASE_TOOLS = {
    "feature": (services.feature_case, gettext_lazy("“%(title)s” is featured on the front page.")),
    "unfeature": (services.unfeature_case, gettext_lazy("“%(title)s” is no longer featured.")),
    "close": (services.close_case, gettext_lazy("The discussion of “%(title)s” is closed.")),
    "reopen": (services.reopen_case, gettext_lazy("The discussion of “%(title)s” is open again.")),
    "blind_on": (
        partial(services.set_blind_mode, on=True),
        gettext_lazy("“%(title)s” hides its result until people vote."),
    ),
    "blind_off": (
        partial(services.set_blind_mode, on=False),
        gettext_lazy("“%(title)s” shows its result before people vote."),
    ),
}


@require_POST
@curator_required
@rate_limited("curation")
def case_tool(request: HtmxHttpRequest, slug: str, tool: str) -> HttpResponse:
    if tool not in CASE_TOOLS:
        raise Http404
    case = get_object_or_404(Case, slug=slug)
    back = _next_or(request, case.get_absolute_url())
    act, done = CASE_TOOLS[tool]
    kwargs = {}
    if tool == "close":
        form = CloseCaseForm(request.POST)
        if not form.is_valid():
            return _tool_error(request, case, form_errors(form))
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        act(moderator=request.user, case=case, **kwargs)
    except ValidationError as error:
        return _tool_error(request, case, " ".join(error.messages))
    message = str(done) % {"title": case.title}
    if request.htmx:
        return render(request, "cases/_curator_tools.html", {"case": case, "message": message})
    messages.success(request, message)
    return redirect(back)


def _tool_error(request: HtmxHttpRequest, case: Case, reason: str) -> HttpResponse:
    if request.htmx:
        return render(request, "cases/_curator_tools.html", {"case": case, "error": reason})
    return refuse(request, reason, status=400, back_url=case.get_absolute_url())
