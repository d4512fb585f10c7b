"""The list page's rows, rendered once per version of what they show.

The page's query runs every time (20 rows on an index); their rendering, in the reader's
language (cases/translations.py: two small reads, only when rendering), is cached under a key
made of each row's `Case.cache_version` (votes and comments, edits, the category's name),
plus the language and the search words that are highlighted. Any change to a row gives a new
key, so the next request shows it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cases.models import Case
from cases.translations import show_in_language


def rows_key(kind: str, cases: Sequence[Case], *extra: str) -> str:
    parts = [case.cache_version for case in cases]
    digest = hashlib.sha256("|".join([*parts, get_language() or "", *extra]).encode())
    return f"case-rows:{kind}:{digest.hexdigest()}"


def rows_html(kind: str, template: str, cases: Sequence[Case], *extra: str) -> SafeString:
    """`template` rendered with `cases`, from the cache when none of them changed."""
    key = rows_key(kind, cases, *extra)
    html = cache.get(key)
    if html is None:
        show_in_language(cases)
        html = render_to_string(template, {"cases": cases})
        cache.set(key, html, settings.FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output
