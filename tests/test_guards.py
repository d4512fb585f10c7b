"""The guards, enforced by structure: a walk of the URLconf finds every view of the site (the
admin's and allauth's aside) and checks that

- every curator URL (every route under `curate/`, and every view marked `curator_required`)
  sends an anonymous visitor to log in and answers 403 to a member, GET and POST, and changes
  nothing;
- every view that accepts a POST needs a login and counts the POST against a rate limit.

So a new curator view or a new write cannot forget its guard (the Lobsters idea).
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cases.models import Case, ModerationLog
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

SKIPPED_NAMESPACES = {"admin"}
SKIPPED_PREFIXES = ("admin/", "accounts/")  # Django's admin and allauth guard themselves
# POSTs that need no login: the language switch sets a cookie (and, rate-limited, a signed-in
# person's language on their account); "show me the verdict" keeps a visitor's reveal in the
# session (a member's on the account), rate-limited too. A digest's unsubscribe link needs no
# login: its signed token is the permission (rate-limited).
NOT_WRITES = {"i18n/setlang/", "cases/<slug:slug>/reveal/", "notifications/unsubscribe/"}


def site_routes(resolver=None, prefix=""):
    """(route, view, default kwargs) of every URL pattern of the site, includes followed."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES or route.startswith(SKIPPED_PREFIXES):
                continue
            yield from site_routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback, pattern.default_args


ROUTES = list(site_routes())


def fill(route: str, values: dict[str, str]) -> str:
    """`cases/<slug:slug>/vote/` → `/cases/call-center/vote/`."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(values[match.group(1)]), route)


def is_curator_route(route: str, view) -> bool:
    return route.startswith("curate/") or getattr(view, "curator_required", False)


@pytest.fixture
def values(case):
    member = UserFactory(username="member-walk")
    comment = CommentFactory(case=case, author=UserFactory(username="author-walk"))
    # An outcome update or a link need not exist: the guard answers before any lookup.
    return {
        "slug": case.slug,
        "comment_id": comment.pk,
        "username": member.username,
        "link_id": 1,
        "update_id": 1,
        "notification_id": 1,
        "group_id": 1,  # an opinion group need not exist either
    }


def test_the_walk_finds_the_curator_urls_and_the_writes():
    curator_routes = [route for route, view, _ in ROUTES if is_curator_route(route, view)]
    assert "curate/" in curator_routes
    assert "curate/users/<str:username>/suspend/" in curator_routes
    assert len(curator_routes) >= 8
    writes = [route for route, view, _ in ROUTES if hasattr(view, "rate_limit_group")]
    assert "cases/<slug:slug>/vote/" in writes
    assert "users/me/perspective/" in writes


@pytest.mark.parametrize(
    ("route", "view", "defaults"),
    [r for r in ROUTES if is_curator_route(r[0], r[1])],
    ids=lambda item: item if isinstance(item, str) else "",
)
def test_every_curator_url_refuses_visitors_and_members(client, values, route, view, defaults):
    assert getattr(view, "curator_required", False), f"{route} lacks @curator_required"
    url = fill(route, {**values, "tool": "close"})
    before = (Case.objects.filter(status="published").count(), ModerationLog.objects.count())
    data = {"reason": "walk", "note": "walk", "duration": "7", "frequency": "once"}

    for method in ("get", "post"):
        response = getattr(client, method)(url, data)
        if response.status_code == 405:
            continue
        assert response.status_code == 302, (method, url, response.status_code)
        assert response["Location"].startswith("/accounts/login/?next=/"), (method, url)

    client.force_login(UserFactory(username="plain-member"))
    for method in ("get", "post"):
        response = getattr(client, method)(url, data)
        if response.status_code == 405:
            continue
        assert response.status_code == 403, (method, url, response.status_code)
        assert "Only curators can do this." in response.text

    assert (Case.objects.filter(status="published").count(), ModerationLog.objects.count()) == (
        before
    )


@pytest.mark.parametrize(
    ("route", "view", "defaults"), ROUTES, ids=lambda item: item if isinstance(item, str) else ""
)
def test_every_write_needs_a_login_and_has_a_rate_limit(client, values, route, view, defaults):
    url = fill(route, {**values, "tool": "close"})
    response = client.post(url, {"body": "walk"})
    if response.status_code == 405 or route in NOT_WRITES:
        return  # reads only, or a cookie
    assert getattr(view, "login_required", False), f"{route} takes POSTs without a login guard"
    assert getattr(view, "rate_limit_group", None), f"{route} takes POSTs without a rate limit"
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/")
