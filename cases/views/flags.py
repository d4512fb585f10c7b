"""Flagging a comment: its own page without JavaScript, a fragment in place with htmx."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from cases import services
from cases.decorators import back_to_comment, login_required
from cases.forms import FlagForm
from cases.http import HtmxHttpRequest, refuse
from cases.models import Case, Comment, Flag
from cases.translations import show_case_titles
from outsourcing.limits import rate_limited

FLAG_FRAGMENT = "cases/_comment_flag.html"


@vary_on_headers("HX-Request")  # a fragment for htmx, a page otherwise
@require_http_methods(["GET", "POST"])
@login_required(back=back_to_comment)
@rate_limited("flag")
def flag_comment(request: HtmxHttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(
        Comment.objects.select_related("case", "author"),
        pk=comment_id,
        case__in=Case.objects.visible_to(request.user),
    )
    # 403 with the reason: unpublished case, hidden or deleted comment, one's own comment.
    services.check_can_flag(user=request.user, comment=comment)

    if request.method == "GET":
        context = {
            "comment": comment,
            "viewer_flagged_ids": _flagged_ids(request, comment),
            "flag_form_open": True,
        }
        # htmx loads the form in place of the comment's "Flag" link (no form per comment).
        if request.htmx:
            return render(request, FLAG_FRAGMENT, context)
        show_case_titles([comment.case])
        return render(request, "cases/flag_comment.html", context)

    form = FlagForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(error) for field in form.errors.values() for error in field)
        return _refused(request, comment, errors)
    try:
        services.flag_comment(
            user=request.user,
            comment=comment,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        return _refused(request, comment, " ".join(error.messages))

    message = _("Thanks. The curators will look at it.")
    if request.htmx:
        context = {"comment": comment, "viewer_flagged_ids": {comment.pk}, "flag_message": message}
        return render(request, FLAG_FRAGMENT, context)
    messages.success(request, message)
    return redirect(comment.get_absolute_url())


def _flagged_ids(request: HtmxHttpRequest, comment: Comment) -> set[int]:
    flagged = Flag.objects.filter(user=request.user, comment=comment).exists()
    return {comment.pk} if flagged else set()


def _refused(request: HtmxHttpRequest, comment: Comment, reason: str) -> HttpResponse:
    """The flag form again with the reason: in place for htmx (200, so that htmx swaps it and
    the note stays), else the refusal page with the note and a link back to the form."""
    if request.htmx:
        context = {
            "comment": comment,
            "viewer_flagged_ids": _flagged_ids(request, comment),
            "flag_form_open": True,
            "flag_error": reason,
            "flag_form": FlagForm(request.POST),
        }
        return render(request, FLAG_FRAGMENT, context)
    back_url = reverse("cases:comment_flag", kwargs={"comment_id": comment.pk})
    return refuse(request, reason, status=400, back_url=back_url)
