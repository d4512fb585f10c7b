from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect


def login_required_back_to_case(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but for POST-only case actions.

    Django's decorator would send the visitor back to the POST URL, which answers 405 to
    the GET after login; this one brings them back to the case they were reading.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, slug, *args, **kwargs)
        return send_to_login(request, reverse("cases:detail", kwargs={"slug": slug}))

    return wrapper


def login_required_back_to_comment(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """The same for POST-only comment actions: back to the comment, on its case page."""

    @wraps(view)
    def wrapper(request: HttpRequest, comment_id: int, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, comment_id, *args, **kwargs)
        from cases.models import Case, Comment

        comment = get_object_or_404(
            Comment.objects.select_related("case"),
            pk=comment_id,
            case__in=Case.objects.published(),
        )
        return send_to_login(request, comment.get_absolute_url())

    return wrapper


def send_to_login(request: HttpRequest, next_url: str) -> HttpResponse:
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
    messages.info(request, _("Log in or sign up to take part. You will come back here."))
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)
