"""Limits on every write, from one settings dict (RATE_LIMITS), counted by django-ratelimit in
the cache: Redis when REDIS_URL is set, so that all processes and machines share the counts.

Each kind of write has rates per account (tighter for an account younger than a day), per IP
address and, optionally, per account and object (one case's vote, one comment's rating). Every
attempt counts, refused or not. Over a limit, the view raises RateLimited, which the error
handler answers with 429, Retry-After and the person's text (cases/views/errors.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

NEW_ACCOUNT_AGE = timedelta(days=1)


class RateLimited(Ratelimited):
    """Over a limit: the message says when to try again (seconds, also sent as Retry-After)."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, retry_after)
        super().__init__(
            ngettext(
                "That was faster than this site allows. Try again in %(seconds)d second.",
                "That was faster than this site allows. Try again in %(seconds)d seconds.",
                self.retry_after,
            )
            % {"seconds": self.retry_after}
        )


def client_ip(request: HttpRequest) -> str:
    """The visitor's address as allauth sees it: behind a proxy, ALLAUTH_TRUSTED_PROXY_COUNT
    says how many X-Forwarded-For entries to trust. Read by django-ratelimit too, so that the
    site's limits and allauth's agree on who is who."""
    return get_adapter().get_client_ip(request)


def is_new_account(user) -> bool:
    return user.is_authenticated and timezone.now() - user.date_joined < NEW_ACCOUNT_AGE


def check_rate(request: HttpRequest, group: str, target: object = None) -> None:
    """Count this attempt against every rate of `group`; raise RateLimited if any is over."""
    limits = settings.RATE_LIMITS[group]
    keys: list[tuple[str, str]] = [("ip", f"ip:{client_ip(request)}")]
    user = request.user
    if user.is_authenticated:
        kind = "new_account" if is_new_account(user) else "account"
        keys.append((kind, f"user:{user.pk}"))
        if target is not None:
            keys.append(("per_object", f"user:{user.pk}:{target}"))
    waits = []
    for kind, value in keys:
        for rate in limits.get(kind, ()):
            usage = get_usage(
                request,
                group=f"{group}:{kind}",
                key=lambda _group, _request, value=value: value,
                rate=rate,
                increment=True,
            )
            if usage is not None and usage["should_limit"]:
                waits.append(usage["time_left"])
    if waits:
        raise RateLimited(retry_after=max(waits))


def rate_limited(group: str, *, per: str | None = None):
    """Limit a view's writes (POST) by `group` of settings.RATE_LIMITS; `per` names the URL
    argument that identifies the object for the per-object rate. GET is never counted.

    The view is marked with `rate_limit_group`, so a test can walk the URLconf and find any
    view that writes without a limit.
    """
    if group not in settings.RATE_LIMITS:
        raise KeyError(f"No rate limit named {group!r} in settings.RATE_LIMITS")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method == "POST":
                check_rate(request, group, kwargs.get(per) if per else None)
            return view(request, *args, **kwargs)

        wrapper.rate_limit_group = group
        return wrapper

    return decorator
