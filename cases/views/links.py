"""Curators link related cases and remove links (cases/services/links.py). Plain requests go
back to the case page's "related cases" panel with a message; htmx gets the link tools again
(cases/_link_tools.html) with the message, and the panel out of band."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.decorators import back_to_case, curator_required
from cases.http import HtmxHttpRequest, form_errors, is_local_path, refuse
from cases.link_forms import LinkCaseForm, UnlinkCaseForm
from cases.models import Case, CaseLink
from cases.selectors.related import link_tools, related_cases
from cases.services.links import link_cases, unlink_cases
from cases.translations import show_case_titles
from cases.views.curation import _next_or
from outsourcing.limits import rate_limited

TOOLS = "cases/_link_tools.html"


def back_from_link(request: HtmxHttpRequest, **kwargs) -> str:
    """After a login, a removal goes back to the page it was sent from."""
    target = request.POST.get("next", "")
    return target if is_local_path(request, target) else reverse("cases:curate")


def _at_panel(path: str) -> str:
    return path if "#" in path else f"{path}#related"


def _tools(request: HtmxHttpRequest, case: Case, **kwargs) -> HttpResponse:
    """The link tools again, with the case's panel out of band (`oob`)."""
    context = link_tools(case, related_cases(case), **kwargs)
    return render(request, TOOLS, {**context, "oob": True})


@require_POST
@curator_required(back=back_to_case)
@rate_limited("curation")
def link_add(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case, slug=slug)
    back = _next_or(request, case.get_absolute_url())
    form = LinkCaseForm(request.POST, hosts={request.get_host()})
    if form.is_valid():
        other = form.cleaned_data["other"]
        try:
            link_cases(
                moderator=request.user,
                case=case,
                other=other,
                note=form.cleaned_data["note"],
                language=form.cleaned_data["language"],
                translations=form.cleaned_data["translations"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            show_case_titles([other])
            message = _("“%(title)s” is linked as a related case.") % {"title": other.title}
            if request.htmx:
                return _tools(request, case, message=message)
            messages.success(request, message)
            return redirect(_at_panel(back))
    # Nothing was linked: the form again with the reasons and everything as typed.
    if request.htmx:
        return _tools(request, case, form=form)
    return refuse(request, form_errors(form), status=400, back_url=back)


@require_POST
@curator_required(back=back_from_link)
@rate_limited("curation")
def link_remove(request: HtmxHttpRequest, link_id: int) -> HttpResponse:
    link = get_object_or_404(CaseLink.objects.select_related("case_a", "case_b"), pk=link_id)
    back = _next_or(request, link.case_a.get_absolute_url())
    # The page the curator removed it from (its tools come back), else the lower-id case.
    case = link.case_b if urlsplit(back).path == link.case_b.get_absolute_url() else link.case_a
    other = link.other(case.pk)
    form = UnlinkCaseForm(request.POST)
    if not form.is_valid():
        return refuse(request, form_errors(form), status=400, back_url=back)
    try:
        unlink_cases(moderator=request.user, link=link, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        if request.htmx:
            return _tools(request, case, error=" ".join(error.messages))
        return refuse(request, " ".join(error.messages), status=400, back_url=back)
    show_case_titles([other])
    message = _("The link to “%(title)s” is removed.") % {"title": other.title}
    if request.htmx:
        return _tools(request, case, message=message)
    messages.success(request, message)
    return redirect(_at_panel(back))
