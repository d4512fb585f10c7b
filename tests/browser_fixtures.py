"""The browser journeys' fixtures (a pytest plugin named in tests/conftest.py): Debian's
Chromium driven by Playwright against pytest-django's live server, every page watched for
errors and Content-Security-Policy violations."""

import os
from pathlib import Path

import pytest
from django.db import connections
from playwright import sync_api

from tests.factories import PASSWORD

expect = sync_api.expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page_errors():
    """(page URL, problem) pairs: console errors, uncaught exceptions, missing static files."""
    return []


@pytest.fixture
def csp_violations():
    """(page URL, problem) pairs: CSP violations on any page, and pages without the policy."""
    return []


# Init scripts come in through the DevTools protocol, so the policy does not block this one.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def open_page(live_server, monkeypatch, page_errors, csp_violations):
    """Opens pages (each in its own browser context, so its own cookies) in one Chromium, started
    after the database fixtures, watching each for errors and CSP violations.

    Playwright's sync API runs an event loop in this thread: Django then refuses ORM calls
    (hence the env var) and hands out a separate connection, closed again below.
    """
    if not CHROMIUM.exists():
        reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser tests.")
        pytest.skip(reason)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )

        def watched_page(locale="en-US", **context_options):
            # context_options: Playwright's new_page options, e.g. viewport, java_script_enabled.
            page = browser.new_page(locale=locale, **context_options)
            page.set_default_timeout(10_000)

            def on_console(msg):
                if msg.type == "error":
                    where = f"{msg.text} at {msg.location.get('url')}"
                    page_errors.append((page.url, f"console: {where}"))
                if "Content Security Policy" in msg.text:
                    csp_violations.append((page.url, f"console: {msg.text}"))

            def on_response(response):
                if response.status >= 400 and "/static/" in response.url:
                    page_errors.append((page.url, f"{response.status} {response.url}"))
                document = response.request.resource_type == "document"
                if document and not response.header_value("content-security-policy"):
                    csp_violations.append((response.url, "served without a CSP header"))

            page.on("console", on_console)
            page.on("pageerror", lambda e: page_errors.append((page.url, f"pageerror: {e}")))
            page.on("response", on_response)
            page.expose_function(
                "reportCspViolation", lambda text: csp_violations.append((page.url, text))
            )
            page.add_init_script(REPORT_CSP_VIOLATIONS)
            return page

        yield watched_page
        browser.close()
        connections.close_all()


@pytest.fixture
def page(open_page, csp_violations):
    """A watched page; the journey fails if any page it opened broke the policy."""
    page = open_page()
    yield page
    for context in page.context.browser.contexts:
        for opened in context.pages:
            opened.wait_for_timeout(100)  # lets the last reports arrive
    assert csp_violations == [], "Content-Security-Policy violations"


def public_page_errors(page_errors):
    # The admin's own pages are Django's business; ours are the public ones.
    return [(url, problem) for url, problem in page_errors if "/admin/" not in url]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=username)).to_be_visible()
