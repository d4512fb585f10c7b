"""The site's error answers: every one in the site's look, with its reason, losing no text.

Django calls these for BadRequest, PermissionDenied (RateLimited is one: 429) and Http404
raised anywhere, including by the guards in cases/decorators.py.
"""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.http import refuse
from outsourcing.limits import RateLimited


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 with the reason when a view raised BadRequest on purpose (other causes stay vague)."""
    reason = str(exception) if isinstance(exception, BadRequest) else ""
    return refuse(request, reason or _("Something in the request was not valid."), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 with the reason (suspended, closed case, edit window over, not a curator), or 429
    with Retry-After over a rate limit; a refused form comes back with its text."""
    if isinstance(exception, RateLimited):
        return refuse(request, str(exception), status=429, retry_after=exception.retry_after)
    reason = str(exception) if isinstance(exception, PermissionDenied) else ""
    return refuse(request, reason or _("You may not do that."), status=403)


# allauth's limits (sign-up, login, password reset) do not say when their window ends: a hint.
ALLAUTH_RETRY_AFTER_SECONDS = 300


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """allauth's 429 (its rate limits on sign-up, login and password reset), in the site's look."""
    reason = _("Too many attempts. Wait a few minutes, then try again.")
    return refuse(request, reason, status=429, retry_after=ALLAUTH_RETRY_AFTER_SECONDS)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token expired (an old tab, cleared cookies): 403 with the text."""
    message = _(
        "This form was open too long or your cookies were cleared, so it could not be "
        "checked. Nothing was saved: send it again from here."
    )
    return refuse(request, message, status=403, can_send_again=True)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if getattr(request, "htmx", False):
        return refuse(request, _("That is no longer here."), status=404)
    return render(request, "404.html", status=404)
