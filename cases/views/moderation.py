"""The public moderation log, and curators suspending people and lifting suspensions."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.models import User
from cases import services
from cases.decorators import curator_required
from cases.http import HtmxHttpRequest, form_errors, refuse
from cases.models import ModerationLog
from cases.services.suspensions import REASON_MAX_LENGTH, check_can_suspend
from outsourcing.limits import rate_limited

LOG_PER_PAGE = 50
SUSPEND_TEMPLATE = "cases/suspend_user.html"


class ModerationLogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Kind of act"),
        choices=[("", gettext_lazy("All acts")), *ModerationLog.Action.choices],
        required=False,
    )


class SuspendForm(forms.Form):
    DURATIONS = {"1": timedelta(days=1), "7": timedelta(days=7), "30": timedelta(days=30)}
    PERMANENT = "permanent"

    duration = forms.ChoiceField(
        label=gettext_lazy("For how long"),
        choices=[
            ("1", gettext_lazy("1 day")),
            ("7", gettext_lazy("7 days")),
            ("30", gettext_lazy("30 days")),
            (PERMANENT, gettext_lazy("Permanently")),
        ],
        initial="7",
    )
    reason = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=REASON_MAX_LENGTH,
        help_text=gettext_lazy("The person is shown this reason."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def suspension(self) -> dict:
        """Keyword arguments for services.suspend_user."""
        duration = self.cleaned_data["duration"]
        if duration == self.PERMANENT:
            return {"permanently": True}
        return {"until": timezone.now() + self.DURATIONS[duration]}


class UnsuspendForm(forms.Form):
    reason = forms.CharField(max_length=REASON_MAX_LENGTH, required=False)


def back_to_profile(request: HtmxHttpRequest, *, username: str, **kwargs) -> str:
    return reverse("profile", kwargs={"username": username})


@require_safe
def moderation_log(request: HtmxHttpRequest) -> HttpResponse:
    """Every moderation act, newest first; hidden comments' text is never shown here."""
    form = ModerationLogFilterForm(request.GET)
    if not form.is_valid():
        reason = _("“%(action)s” is not a kind of moderation act.") % {
            "action": request.GET.get("action", "")
        }
        context = {"form": form, "page": None, "reason": reason}
        return render(request, "cases/moderation_log.html", context, status=400)

    rows = ModerationLog.objects.select_related("case", "comment__case").defer(
        "comment__body", "case__story", "comment__case__story"
    )
    action = form.cleaned_data["action"]
    if action:
        rows = rows.filter(action=action)
    rows = rows.order_by("-created_at", "-id")
    page = Paginator(rows, LOG_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        # The case the act was about: its own, or the commented one's.
        row.shown_case = row.case or (row.comment.case if row.comment else None)
    context = {
        "form": form,
        "page": page,
        "action": action,
        "suspension_actions": {ModerationLog.Action.SUSPEND, ModerationLog.Action.UNSUSPEND},
    }
    return render(request, "cases/moderation_log.html", context)


def _person(username: str) -> User:
    return get_object_or_404(User, username=username, is_active=True)


def _done(request: HtmxHttpRequest, person: User, message: str) -> HttpResponse:
    if request.htmx:
        context = {"person": person, "suspension_message": message}
        return render(request, f"{SUSPEND_TEMPLATE}#suspension-result", context)
    messages.success(request, message)
    return redirect(person.get_absolute_url())


def _refused(request: HtmxHttpRequest, person: User, form: forms.Form, reason: str = ""):
    """The form again with the reasons: 400 plain; 200 for htmx, which swaps no 4xx."""
    context = {"person": person, "form": form, "error": reason}
    if request.htmx:
        return render(request, f"{SUSPEND_TEMPLATE}#suspend-form", context)
    return render(request, SUSPEND_TEMPLATE, context, status=400)


@require_http_methods(["GET", "POST"])
@curator_required(back=back_to_profile)
@rate_limited("curation")
def suspend_user(request: HtmxHttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    # 403 with the reason before showing a form that could not be used.
    check_can_suspend(moderator=request.user, user=person)
    if request.method == "GET":
        return render(request, SUSPEND_TEMPLATE, {"person": person, "form": SuspendForm()})

    form = SuspendForm(request.POST)
    if not form.is_valid():
        return _refused(request, person, form)
    try:
        services.suspend_user(
            moderator=request.user,
            user=person,
            reason=form.cleaned_data["reason"],
            **form.suspension(),
        )
    except ValidationError as error:
        return _refused(request, person, form, " ".join(error.messages))

    if person.suspended_permanently:
        message = _("%(name)s is suspended permanently.") % {"name": person.username}
    else:
        message = _("%(name)s is suspended until %(until)s.") % {
            "name": person.username,
            "until": _local(person.suspended_until),
        }
    return _done(request, person, message)


@require_POST
@curator_required(back=back_to_profile)
@rate_limited("curation")
def unsuspend_user(request: HtmxHttpRequest, username: str) -> HttpResponse:
    person = _person(username)
    form = UnsuspendForm(request.POST)
    if not form.is_valid():
        return _not_lifted(request, person, form_errors(form))
    try:
        services.lift_suspension(
            moderator=request.user, user=person, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        return _not_lifted(request, person, " ".join(error.messages))
    return _done(request, person, _("%(name)s may take part again.") % {"name": person.username})


def _not_lifted(request: HtmxHttpRequest, person: User, reason: str) -> HttpResponse:
    if request.htmx:
        context = {"person": person, "suspension_message": reason, "is_error": True}
        return render(request, f"{SUSPEND_TEMPLATE}#suspension-result", context)
    return refuse(request, reason, status=400, back_url=person.get_absolute_url())


def _local(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
