"""The security headers (outsourcing/settings.py "Security headers") on every kind of response,
and the templates that a strict Content-Security-Policy needs. The browser journeys
(tests/test_browser.py) check that the pages really run under the policy."""

import asyncio
import json
import re

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.templatetags.static import static
from django.test import RequestFactory, override_settings

from outsourcing.headers import CrossOriginResourcePolicyMiddleware
from tests.conftest import HTMX

EXPECTED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"]


def parse_csp(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} appears twice"
        directives[name] = sources
    return directives


def assert_security_headers(response):
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp == EXPECTED_CSP
    sources = [source for values in csp.values() for source in values]
    assert not [source for source in sources if "unsafe" in source]
    assert not {"*", "http:", "https:"} & set(sources)
    assert "data:" not in csp["script-src"] + csp["style-src"]
    assert not response.has_header("Content-Security-Policy-Report-Only")

    policy = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in DENIED_FEATURES:
        assert policy[feature] == "()", feature

    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_an_html_page_has_the_headers(client, case):
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"


def test_htmx_is_configured_for_the_policy(client, case):
    html = client.get(case.get_absolute_url()).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert json.loads(config.group(1)) == {
        "includeIndicatorStyles": False,  # else htmx injects an inline <style>
        "allowEval": False,
        "allowScriptTags": False,
    }


def test_an_htmx_fragment_has_the_headers(user_client, case):
    response = user_client.post(f"{case.get_absolute_url()}vote/", {"choice": "yes"}, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()  # a fragment, not a page
    assert_security_headers(response)


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_a_static_file_from_whitenoise_has_the_headers(client):
    """Whitenoise answers static files itself: the header middleware must sit above it."""
    response = client.get(static("favicon.svg"))
    assert response.status_code == 200
    assert type(response).__module__.startswith("whitenoise")
    assert_security_headers(response)


def test_a_404_has_the_headers(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_an_admin_page_has_the_headers(admin_client):
    response = admin_client.get("/admin/cases/case/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"


def test_the_header_middleware_is_above_whitenoise():
    order = settings.MIDDLEWARE
    whitenoise = order.index("whitenoise.middleware.WhiteNoiseMiddleware")
    for middleware in [
        "outsourcing.headers.CrossOriginResourcePolicyMiddleware",
        "csp.middleware.CSPMiddleware",
        "django_permissions_policy.PermissionsPolicyMiddleware",
        "django.middleware.security.SecurityMiddleware",
    ]:
        assert order.index(middleware) < whitenoise, middleware


def test_a_view_may_set_its_own_resource_policy():
    def view(request):
        return HttpResponse(headers={"Cross-Origin-Resource-Policy": "cross-origin"})

    response = CrossOriginResourcePolicyMiddleware(view)(RequestFactory().get("/"))
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_the_resource_policy_middleware_works_under_asgi():
    async def view(request):
        return HttpResponse()

    middleware = CrossOriginResourcePolicyMiddleware(view)
    response = asyncio.run(middleware(RequestFactory().get("/")))
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


# What the policy forbids, nowhere in our templates (the admin's overrides included).
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "hx-on (needs eval)": re.compile(r"\shx-on", re.IGNORECASE),
    "js: value (needs eval)": re.compile(r"[\"']js:", re.IGNORECASE),
}


def test_no_template_has_inline_script_style_or_handlers():
    templates = sorted((settings.BASE_DIR / "templates").rglob("*.html"))
    assert len(templates) > 20
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<p style="color: red">',
        '<button onclick="go()">',
        "<style>p {}</style>",
        '<a hx-on:click="go()">',
    ],
)
def test_the_template_check_sees_inline_code(snippet):
    assert any(pattern.search(snippet) for pattern in INLINE.values())
