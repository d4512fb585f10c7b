"""The one login guard and the one curator guard, used by every view that needs them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from cases.http import keep_draft
from cases.services.permissions import check_is_curator

View = Callable[..., HttpResponse]
# Where a POST sends the visitor after login: the page its form was on (the POST URL itself
# would answer 405 to the GET that follows a login).
BackTo = Callable[..., str]  # back(request, **url_kwargs) -> a local path


def login_required(view: View | None = None, *, back: BackTo | None = None):
    """Visitors log in first and come back: to the same page after a GET, to `back(**kwargs)`
    after a POST, with the text they wrote (`body`) kept as a draft for the form there."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            if request.method == "GET" or back is None:
                next_url = request.get_full_path()
            else:
                next_url = back(request, **kwargs)
                if request.POST.get("body", "").strip():
                    keep_draft(request, next_url, request.POST["body"])
            return send_to_login(request, next_url)

        wrapper.login_required = True
        return wrapper

    return decorator(view) if view is not None else decorator


def curator_required(view: View | None = None, *, back: BackTo | None = None):
    """login_required, then 403 for everyone who is not a curator (check_is_curator)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            check_is_curator(request.user)
            return view(request, *args, **kwargs)

        guarded = login_required(checked, back=back or back_to_queue)
        guarded.curator_required = True
        return guarded

    return decorator(view) if view is not None else decorator


def send_to_login(request: HttpRequest, next_url: str) -> HttpResponse:
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url}, safe='/')}"
    messages.info(request, _("Log in or sign up to take part. You will come back here."))
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)


def back_to_case(request: HttpRequest, *, slug: str, **kwargs) -> str:
    return reverse("cases:detail", kwargs={"slug": slug})


def back_to_comment(request: HttpRequest, *, comment_id: int, **kwargs) -> str:
    return reverse("cases:comment_permalink", kwargs={"comment_id": comment_id})


def back_to_queue(request: HttpRequest, **kwargs) -> str:
    return reverse("cases:curate")
