"""/groups/: the opinion groups as everyone sees them, and curators naming a group
(cases/services/opinion_groups.py). Plain requests go back to /groups/ with a message; htmx
gets the group's form again with the message, and its label on the page out of band."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cases.decorators import curator_required
from cases.group_forms import GroupLabelForm
from cases.http import HtmxHttpRequest, form_errors, refuse
from cases.models import OpinionGroup
from cases.selectors.blind import hide_unseen_results
from cases.selectors.groups import latest_groups
from cases.selectors.groups_page import groups_page_html
from cases.services.opinion_groups import label_group
from cases.services.permissions import is_curator
from outsourcing.limits import rate_limited

LABEL_FORM = "cases/_group_label_form.html"


def _groups_url(request: HttpRequest, **kwargs) -> str:
    return reverse("cases:groups")


def _label_form(group: OpinionGroup, data=None) -> GroupLabelForm:
    """The group's form; its fields' ids name the group, as several share the page."""
    return GroupLabelForm(data, initial={"label": group.label}, auto_id=f"group-{group.pk}-%s")


@require_safe
def groups(request: HtmxHttpRequest) -> HttpResponse:
    context = {
        # The same for everyone, cached; the results of blind cases this reader may not see
        # yet are hidden afterwards (at most two queries, only when such cases are shown).
        "body_html": hide_unseen_results(request, groups_page_html()),
        "label_tools": (
            [{"group": group, "form": _label_form(group)} for group in latest_groups()]
            if is_curator(request.user)
            else []
        ),
    }
    return render(request, "cases/groups.html", context)


@require_POST
@curator_required(back=_groups_url)
@rate_limited("curation")
def group_label(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_object_or_404(OpinionGroup, pk=group_id)
    back = f"{reverse('cases:groups')}#group-{group.number}"
    form = _label_form(group, request.POST)
    if form.is_valid():
        try:
            label_group(moderator=request.user, group=group, label=form.cleaned_data["label"])
        except ValidationError as error:
            # Nothing changed: the reason, and the label as typed stays in the box.
            return refuse(request, " ".join(error.messages), status=400, back_url=back)
        if group.label:
            message = _("Group %(number)d is now called “%(label)s”.") % {
                "number": group.number,
                "label": group.label,
            }
        else:
            message = _("Group %(number)d shows its automatic label again.") % {
                "number": group.number
            }
        if request.htmx:
            context = {"group": group, "form": _label_form(group), "message": message}
            return render(request, LABEL_FORM, {**context, "oob": True})
        messages.success(request, message)
        return redirect(back)
    return refuse(request, form_errors(form), status=400, back_url=back)
