"""The curators' review queue and case tools, every view behind one guard."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from cases import services
from cases.curation_forms import CloseCaseForm, DecisionNoteForm, FactorsForm
from cases.models import Case
from cases.views.cases import HtmxHttpRequest


def curator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; everyone else who is not a curator gets 403."""

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            back = request.get_full_path() if request.method == "GET" else reverse("cases:curate")
            return redirect_to_login(back)
        if not services.is_curator(request.user):
            raise PermissionDenied(_("Only curators can use the review queue."))
        return view(request, *args, **kwargs)

    return wrapper


def _back(request: HtmxHttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _pending() -> list[Case]:
    return list(
        Case.objects.filter(status=Case.Status.PENDING)
        .select_related("category", "proposer")
        .prefetch_related("sources")
        .order_by("submitted_at", "pk")
    )


@require_safe
@curator_required
def review_queue(request: HtmxHttpRequest) -> HttpResponse:
    featured = Case.objects.filter(featured_at__isnull=False).order_by("-featured_at")
    context = {
        "proposals": [(case, FactorsForm(instance=case)) for case in _pending()],
        "featured": featured,
        "max_featured": services.MAX_FEATURED,
    }
    return render(request, "cases/review_queue.html", context)


DECISIONS = {
    "publish": (services.publish_proposal, "note", gettext_lazy("“%(title)s” is published.")),
    "send_back": (services.send_back_proposal, "note", gettext_lazy("“%(title)s” is sent back.")),
    "reject": (services.reject_proposal, "reason", gettext_lazy("“%(title)s” is rejected.")),
}


@require_POST
@curator_required
def decide_proposal(request: HtmxHttpRequest, slug: str, decision: str) -> HttpResponse:
    case = get_object_or_404(Case, slug=slug)
    act, note_name, done = DECISIONS[decision]
    form = DecisionNoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        act(moderator=request.user, case=case, **{note_name: note})
    except ValidationError as error:
        reason = " ".join(error.messages)
        if request.htmx:
            context = {"case": case, "factors_form": FactorsForm(instance=case), "error": reason}
            return render(request, "cases/review_queue.html#proposal-card", context)
        context = {"reason": reason, "back_url": reverse("cases:curate")}
        return render(request, "400.html", context, status=400)
    message = str(done) % {"title": case.title}
    if request.htmx:
        return render(request, "cases/review_queue.html#decided", {"message": message})
    messages.success(request, message)
    return redirect("cases:curate")


@require_POST
@curator_required
def record_factors(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case, slug=slug)
    form = FactorsForm(request.POST, instance=Case.objects.get(pk=case.pk))
    if not form.is_valid():
        reasons = " ".join(e for errors in form.errors.values() for e in errors)
        return render(request, "400.html", {"reason": reasons}, status=400)
    services.record_factors(moderator=request.user, case=case, **form.cleaned_data)
    message = _("The rule-of-thumb factors are saved.")
    if request.htmx:
        context = {"case": case, "factors_form": FactorsForm(instance=case), "message": message}
        return render(request, "cases/review_queue.html#factors-form", context)
    messages.success(request, message)
    return redirect(_back(request, reverse("cases:curate")))


CASE_TOOLS = {
    "feature": (services.feature_case, gettext_lazy("“%(title)s” is featured on the front page.")),
    "unfeature": (services.unfeature_case, gettext_lazy("“%(title)s” is no longer featured.")),
    "close": (services.close_case, gettext_lazy("The discussion of “%(title)s” is closed.")),
    "reopen": (services.reopen_case, gettext_lazy("The discussion of “%(title)s” is open again.")),
}


@require_POST
@curator_required
def case_tool(request: HtmxHttpRequest, slug: str, tool: str) -> HttpResponse:
    if tool not in CASE_TOOLS:
        raise Http404
    case = get_object_or_404(Case, slug=slug)
    act, done = CASE_TOOLS[tool]
    kwargs = {}
    if tool == "close":
        form = CloseCaseForm(request.POST)
        if not form.is_valid():
            return _tool_error(request, case, " ".join(form.errors["reason"]))
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        act(moderator=request.user, case=case, **kwargs)
    except ValidationError as error:
        return _tool_error(request, case, " ".join(error.messages))
    message = str(done) % {"title": case.title}
    if request.htmx:
        return render(request, "cases/_curator_tools.html", {"case": case, "message": message})
    messages.success(request, message)
    return redirect(_back(request, case.get_absolute_url()))


def _tool_error(request: HtmxHttpRequest, case: Case, reason: str) -> HttpResponse:
    if request.htmx:
        return render(request, "cases/_curator_tools.html", {"case": case, "error": reason})
    return render(
        request, "400.html", {"reason": reason, "back_url": case.get_absolute_url()}, status=400
    )
