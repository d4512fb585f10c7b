"""What every view shares about requests and answers: the htmx request type, the one refusal
helper, safe `next` targets, and drafts kept across a login."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_htmx.middleware import HtmxDetails

REFUSAL_PAGE = "refused.html"
REFUSAL_FRAGMENT = "_refusal.html"
# Fields a refused form never writes back into the page (a fresh token is added; passwords,
# any field named *password*, are left out too).
NOT_RESENT = {"csrfmiddlewaretoken"}
DRAFTS_SESSION_KEY = "drafts"
# What a refused form's kept text is called on the refusal page; other fields: "Your text".
TEXT_LABELS = {
    "body": _("Your comment"),
    "note": _("Your note"),
    "reason": _("Your reason"),
    "condition": _("What it depends on"),
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def refuse(
    request: HttpRequest,
    reason: str,
    *,
    status: int,
    retry_after: int | None = None,
    back_url: str = "",
    can_send_again: bool | None = None,
) -> HttpResponse:
    """Every refused request answers here, with its reason and status, and loses no text.

    A plain request gets a page in the site's look; a refused POST shows the same form again,
    with everything the person sent (their text editable, to send again or to copy; sending
    again is offered unless the refusal is a lasting 403). htmx gets a small fragment marked
    `X-Refusal`, which static/js/refusals.js shows inside the form that sent it, so the text
    stays in the box.
    """
    if getattr(request, "htmx", False):
        response = render(request, REFUSAL_FRAGMENT, {"reason": reason}, status=status)
        response["X-Refusal"] = "1"
    else:
        context = {
            "reason": reason,
            "status": status,
            "retry_after": retry_after,
            "back_url": back_url or _referring_page(request),
            "resend": resend_fields(request) if request.method == "POST" else None,
            "can_send_again": status != 403 if can_send_again is None else can_send_again,
        }
        response = render(request, REFUSAL_PAGE, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, retry_after))
    return response


def form_errors(form) -> str:
    """A form's errors as one sentence, for a refusal that is not shown beside the form."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def resend_fields(request: HttpRequest) -> list[dict]:
    """The posted fields, in order: long or multi-line values as text to keep, the rest hidden."""
    fields = []
    for name, values in request.POST.lists():
        if name in NOT_RESENT or "password" in name:
            continue  # passwords are never written into a page
        for value in values:
            is_text = "\n" in value or len(value) > 60 or name in TEXT_LABELS
            label = TEXT_LABELS.get(name, _("Your text"))
            fields.append({"name": name, "value": value, "is_text": is_text, "label": label})
    return fields


def _referring_page(request: HttpRequest) -> str:
    referer = request.headers.get("Referer", "")
    return referer if _is_on_this_site(request, referer) else ""


def is_local_path(request: HttpRequest, target: str) -> bool:
    """A path on this site (`/cases/x/`): no host, no scheme, no control character. Views check
    a `next` with this *before* acting, so a bad one never follows a committed write."""
    return target.startswith("/") and _is_on_this_site(request, target)


def _is_on_this_site(request: HttpRequest, target: str) -> bool:
    if not target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return False
    return url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def keep_draft(request: HttpRequest, url: str, text: str) -> None:
    """Text typed before a login round trip, shown again in the form at `url` afterwards."""
    drafts = request.session.get(DRAFTS_SESSION_KEY, {})
    drafts[url] = text
    # A handful at most: the newest few are the ones anyone comes back to.
    request.session[DRAFTS_SESSION_KEY] = dict(list(drafts.items())[-5:])


def take_draft(request: HttpRequest, url: str) -> str:
    drafts = request.session.get(DRAFTS_SESSION_KEY)
    if not drafts or url not in drafts:
        return ""
    text = drafts.pop(url)
    request.session[DRAFTS_SESSION_KEY] = drafts
    return text
