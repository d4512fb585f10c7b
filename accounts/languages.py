"""The reader's language, kept on the account of a signed-in person.

A first visit gets the language its browser asks for (Accept-Language, Django's
LocaleMiddleware); the footer's language switch (accounts.views.set_language) sets the language
cookie and, for a signed-in person, `User.language`. From then on the account's language wins
over the browser's on every page (`AccountLanguageMiddleware`), and the site's emails to that
person are written in it (`recipient_language`: the proposal decisions, allauth's mails).
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin

from outsourcing.i18n import site_languages


def site_language(code: str | None) -> str:
    """`code` if it is one of the site's LANGUAGES, else ""."""
    return code if code in site_languages() else ""


def recipient_language(user) -> str:
    """The language to write to `user` in: theirs if they chose one, else the current one."""
    return site_language(getattr(user, "language", "")) or translation.get_language()


def account_language(request: HttpRequest) -> str:
    """The signed-in person's language, "" when anonymous or not chosen yet. A database that
    cannot be reached gives "" too: the view meets the error itself (outsourcing/unavailable.py).
    """
    user = getattr(request, "user", None)
    try:
        if user is None or not user.is_authenticated:
            return ""
        return site_language(user.language)
    except DatabaseError:
        return ""


def activate_language(request: HttpRequest, language: str) -> None:
    """Render the rest of this request in `language`."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """The cookie that Django's set_language view sets, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class AccountLanguageMiddleware(MiddlewareMixin):
    """After AuthenticationMiddleware (and LocaleMiddleware, whose choice it overrides): a
    signed-in person who chose a language gets it, whatever the browser asks for; their
    language cookie follows the account (after a login too), so it stays after logging out."""

    def process_request(self, request: HttpRequest) -> None:
        language = account_language(request)
        if language:
            activate_language(request, language)

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        language = account_language(request)  # again: the request may have logged someone in
        name = settings.LANGUAGE_COOKIE_NAME
        cookie = response.cookies[name].value if name in response.cookies else None
        if language and (cookie or request.COOKIES.get(name)) != language:
            set_language_cookie(response, language)
        return response
