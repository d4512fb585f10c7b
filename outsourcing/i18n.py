"""One URL per page, in every language: `?lang=de` picks the language of one request.

The reader's language comes from the cookie the footer's switch sets, else Accept-Language
(django's LocaleMiddleware). `?lang=<code>` (a code in LANGUAGES) outranks both for that one
request and sets no cookie, so that search engines, which send neither, can fetch every
language at an address of its own; anything else in `lang` is ignored.

The addresses each page names in its <head> (templates/base.html, through
cases/context_processors.py):

- canonical: the page in the language it is shown in. The default language (LANGUAGE_CODE)
  is the plain address, every other one the same address with `lang=<code>`; the query
  string keeps what chooses the content (`page`, `sort`, `q`, `order`…), sorted by name, and
  drops `lang`, empty values, `page=1` and tracking parameters (utm_*, fbclid…);
- alternate hreflang="<code>": the same for each language in LANGUAGES;
- alternate hreflang="x-default": the plain address, which follows the reader's cookie or
  browser.

They are absolute, built from the request (its host is one of ALLOWED_HOSTS; the scheme
follows SECURE_PROXY_SSL_HEADER behind the proxy). SITE_URL stays the address for emails,
which have no request.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.encoding import escape_uri_path
from django.utils.functional import cached_property
from django.utils.http import urlencode

LANGUAGE_PARAMETER = "lang"
# Parameters that never change what a page shows: left out of its canonical address.
TRACKING_PARAMETERS = {"fbclid", "gclid", "msclkid", "mc_cid", "mc_eid"}
TRACKING_PREFIXES = ("utm_",)


def site_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def query_language(request: HttpRequest) -> str | None:
    """The language `?lang=` names, if it is one of LANGUAGES; else None."""
    value = request.GET.get(LANGUAGE_PARAMETER, "")
    return value if value in site_languages() else None


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware (cookie, else Accept-Language), and `?lang=de` over both for
    this one request, without a cookie. Again just before the view, so that it also outranks
    a signed-in person's own language (accounts.languages.AccountLanguageMiddleware, further
    down). Content-Language names the language shown; the page caches' keys carry it
    (cases/selectors/), so neither language is ever served the other's page.
    """

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        self.process_view(request)

    def process_view(self, request: HttpRequest, *args) -> None:
        language = query_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language


def _is_meaningful(name: str, value: str) -> bool:
    if name == LANGUAGE_PARAMETER or not value:
        return False
    if name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES):
        return False
    return not (name == "page" and value == "1")


class LanguageLinks:
    """This page's addresses in each language, worked out when a template reads them (the
    absolute ones need the host, which an early refusal may not have checked yet)."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self.path = escape_uri_path(request.path)

    @cached_property
    def _kept(self) -> list[tuple[str, str]]:
        query = sorted(
            ((name, value) for name, values in self.request.GET.lists() for value in values),
            key=lambda item: item[0],  # stable: repeated names keep their order
        )
        return [(name, value) for name, value in query if _is_meaningful(name, value)]

    def address(self, language: str | None) -> str:
        """The absolute address of this page in `language`; None: the plain one (x-default)."""
        params = list(self._kept)
        if language and language != settings.LANGUAGE_CODE:
            params.append((LANGUAGE_PARAMETER, language))
        path = f"{self.path}?{urlencode(params)}" if params else self.path
        return self.request.build_absolute_uri(path)

    @cached_property
    def canonical(self) -> str:
        """This page in the language it is shown in."""
        current = translation.get_language()
        return self.address(current if current in site_languages() else None)

    @cached_property
    def alternates(self) -> list[tuple[str, str]]:
        """(hreflang, absolute address) for each language, then x-default."""
        return [(code, self.address(code)) for code in site_languages()] + [
            ("x-default", self.address(None))
        ]

    @cached_property
    def switch_next(self) -> str:
        """Where the footer's language switch returns: this page, without `lang` (which
        would outrank the choice just made)."""
        if LANGUAGE_PARAMETER not in self.request.GET:
            return self.request.get_full_path()
        rest = self.request.GET.copy()
        rest.pop(LANGUAGE_PARAMETER)
        return f"{self.path}?{rest.urlencode()}" if rest else self.path


def language_links(request: HttpRequest) -> LanguageLinks:
    return LanguageLinks(request)
