"""robots.txt and sitemap.xml, both with absolute addresses built from the request.

The sitemap (django.contrib.sitemaps) lists the published cases (lastmod: `updated_at`) and
the list and the rule of thumb, each in every language of LANGUAGES. We have no
i18n_patterns: a language is `?lang=<code>` on the same path (outsourcing/i18n.py), so the
sitemaps run with `i18n = True` and their `location` adds `?lang=` for the language the
framework switches to. Every entry names its alternates (`hreflang` en, de) and x-default,
the plain address, as each page's own <head> does. The framework's own x-default would strip
"/en/" out of the path, which only means something with i18n_patterns; it is added here
instead.

robots.txt lets crawlers read every public page and keeps them out of the admin, the
curators' pages, the accounts, and every address that only answers a form (votes, comments,
flags, proposals, the language switch), and names the sitemap.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control, cache_page
from django.views.decorators.http import require_safe

from cases.models import Case
from outsourcing.i18n import LANGUAGE_PARAMETER

SITEMAP_SECONDS = 15 * 60
ROBOTS_SECONDS = 24 * 60 * 60
SLUG, NUMBER = "__slug__", 0  # stand-ins, replaced by robots.txt's "*"


def in_language(path: str) -> str:
    """`path` in the active language: plain for LANGUAGE_CODE, else with `?lang=<code>`."""
    language = get_language()
    if not language or language == settings.LANGUAGE_CODE:
        return path
    return f"{path}?{urlencode({LANGUAGE_PARAMETER: language})}"


class LanguageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = False  # see the module: added by get_urls

    def location(self, item) -> str:
        return in_language(self.path(item))

    def path(self, item) -> str:
        raise NotImplementedError

    def get_urls(self, page=1, site=None, protocol=None) -> list[dict]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            plain = [a for a in url["alternates"] if a["lang_code"] == settings.LANGUAGE_CODE]
            url["alternates"] += [
                {"location": a["location"], "lang_code": "x-default"} for a in plain
            ]
        return urls


class CaseSitemap(LanguageSitemap):
    def items(self):
        return Case.objects.published().only("slug", "updated_at").order_by("-published_at", "pk")

    def path(self, item: Case) -> str:
        return item.get_absolute_url()

    def lastmod(self, item: Case):
        return item.updated_at


class PageSitemap(LanguageSitemap):
    def items(self) -> list[str]:
        return ["cases:list", "cases:rule_of_thumb"]

    def path(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": PageSitemap, "cases": CaseSitemap}


@require_safe
@cache_page(SITEMAP_SECONDS)
def sitemap_xml(request: HttpRequest) -> HttpResponse:
    return sitemap(request, sitemaps=SITEMAPS)


def disallowed_paths() -> list[str]:
    """Where crawlers have nothing to read: the admin, the curators' pages, the accounts, and
    every address that answers a form ("*" for a case's slug or a comment's number)."""
    case_forms = ["proposal_edit", "vote", "changed_mind", "comment_create"]
    comment_forms = ["comment_reply", "comment_edit", "comment_delete", "comment_rate"]
    return [
        reverse("admin:index"),
        reverse("cases:curate"),
        "/accounts/",  # allauth's pages (outsourcing/urls.py)
        reverse("account_settings"),
        reverse("set_language"),
        reverse("perspective_update"),
        reverse("cases:propose"),
        *(reverse(f"cases:{name}", args=[SLUG]).replace(SLUG, "*") for name in case_forms),
        *(
            reverse(f"cases:{name}", args=[NUMBER]).replace(f"/{NUMBER}/", "/*/")
            for name in [*comment_forms, "comment_flag"]
        ),
    ]


@require_safe
@cache_control(max_age=ROBOTS_SECONDS, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed_paths())]
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
