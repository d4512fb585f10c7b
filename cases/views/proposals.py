"""Proposing a case, and editing one a curator sent back: full-page forms that work without
JavaScript. htmx, when present, swaps the form in place on errors and follows HX-Redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from cases import services
from cases.decorators import login_required
from cases.forms import CaseProposalForm, SourceProposalFormSet
from cases.http import HtmxHttpRequest
from cases.models import Case
from cases.services.proposals import SOURCE_LANGUAGES
from outsourcing.limits import rate_limited

TEMPLATE = "cases/propose.html"
SOURCES_PREFIX = "sources"


@vary_on_headers("HX-Request")  # a fragment for htmx, a page otherwise
@require_http_methods(["GET", "POST"])
@login_required(back=lambda request, **kwargs: reverse("cases:propose"))
@rate_limited("proposal")
def propose(request: HtmxHttpRequest) -> HttpResponse:
    services.check_not_suspended(request.user)  # 403 with the reason

    if request.method == "GET":
        form = CaseProposalForm()
        sources = SourceProposalFormSet(prefix=SOURCES_PREFIX)
        return _render(request, form, sources)

    form = CaseProposalForm(request.POST)
    sources = SourceProposalFormSet(request.POST, prefix=SOURCES_PREFIX)
    if _both_valid(form, sources):
        try:
            services.propose_case(
                proposer=request.user,
                data=form.proposal_data(),
                sources=sources.sources(),
                token=form.cleaned_data["token"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Thanks! Your proposal is waiting for a curator."))
            return _redirect(request, request.user.get_absolute_url())
    return _render(request, form, sources)


@vary_on_headers("HX-Request")  # a fragment for htmx, a page otherwise
@require_http_methods(["GET", "POST"])
@login_required(back=lambda request, slug: reverse("cases:proposal_edit", kwargs={"slug": slug}))
@rate_limited("proposal")
def proposal_edit(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    # Someone else's proposal, or one not waiting for changes, is not there for this person.
    case = get_object_or_404(
        Case, slug=slug, proposer=request.user, status=Case.Status.NEEDS_CHANGES
    )
    services.check_not_suspended(request.user)

    if request.method == "GET":
        form = CaseProposalForm(instance=case)
        initial = [
            {
                "url": source.url,
                "description": "" if source.title == source.url else source.title,
                "language": source.language if source.language in SOURCE_LANGUAGES else "",
            }
            for source in case.sources.all()
        ]
        sources = SourceProposalFormSet(prefix=SOURCES_PREFIX, initial=initial)
        return _render(request, form, sources, case=case)

    # A ModelForm on a copy: a failed form must not change the case shown on the page.
    form = CaseProposalForm(request.POST, instance=Case.objects.get(pk=case.pk))
    sources = SourceProposalFormSet(request.POST, prefix=SOURCES_PREFIX)
    if _both_valid(form, sources):
        try:
            services.resubmit_proposal(
                proposer=request.user,
                case=case,
                data=form.proposal_data(),
                sources=sources.sources(),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request, _("Thanks! Your changed proposal is waiting for a curator again.")
            )
            return _redirect(request, request.user.get_absolute_url())
    return _render(request, form, sources, case=case)


def _both_valid(form: CaseProposalForm, sources: SourceProposalFormSet) -> bool:
    form_valid = form.is_valid()  # both validated, so every error shows at once
    return sources.is_valid() and form_valid


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _render(
    request: HtmxHttpRequest,
    form: CaseProposalForm,
    sources: SourceProposalFormSet,
    case: Case | None = None,
) -> HttpResponse:
    """The page, or for htmx only its form (with the errors); 200 so that htmx swaps it."""
    if case is None:
        action = reverse("cases:propose")
    else:
        action = reverse("cases:proposal_edit", kwargs={"slug": case.slug})
    context = {"form": form, "sources": sources, "case": case, "action": action}
    template = f"{TEMPLATE}#proposal-form" if request.htmx else TEMPLATE
    return render(request, template, context)
