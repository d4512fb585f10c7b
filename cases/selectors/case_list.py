"""The list page's rows, rendered once per version of what they show, and the viewer's own
answers put into them afterwards.

The page's query runs every time (20 rows on an index); their rendering, in the reader's
language (cases/translations.py: two small reads, only when rendering), is cached under a key
made of each row's `Case.cache_version` (votes and comments, edits, featuring and closing, the
category's name), plus the language and the search words that are highlighted. Any change to a
row gives a new key, so the next request shows it.

The cached rows are the same for everyone: each row holds a marker (`<!--your-vote:ID-->`)
where a signed-in viewer's own answer goes. `viewer_votes` reads those answers for the shown
cases in one indexed query (none for a visitor), and `with_viewer_votes` puts a mark in place of
each marker, after the cache, so no viewer's vote is ever stored in the shared HTML.

The result of a case in blind mode is hidden from a reader until they vote on it or ask to see
it, in the list as on the case page: each such row's bar sits between `<!--result:ID-->` and
`<!--/result:ID-->` (its shares in words between `shares` markers), which
cases.selectors.blind.hide_unseen_results replaces after the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import VOTE_BADGES, Case, Vote
from cases.translations import show_in_language

# Part of every key: a new row layout must not be served from entries the old one wrote.
ROWS_LAYOUT = "3"


def rows_key(kind: str, cases: Sequence[Case], *extra: str) -> str:
    parts = [case.cache_version for case in cases]
    digest = hashlib.sha256("|".join([*parts, get_language() or "", *extra]).encode())
    return f"case-rows:{ROWS_LAYOUT}:{kind}:{digest.hexdigest()}"


def rows_html(kind: str, template: str, cases: Sequence[Case], *extra: str) -> SafeString:
    """`template` rendered with `cases`, from the cache when none of them changed."""
    key = rows_key(kind, cases, *extra)
    html = cache.get(key)
    if html is None:
        show_in_language(cases)
        html = render_to_string(template, {"cases": cases})
        cache.set(key, html, settings.FRAGMENT_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output


def viewer_votes(user, case_ids: Iterable[int]) -> dict[int, str]:
    """{case id: answer} for the viewer's votes on these cases: one query, none for a visitor
    or an empty page (the unique (user, case) index answers it)."""
    ids = sorted(set(case_ids))
    if not ids or not getattr(user, "is_authenticated", False):
        return {}
    return dict(Vote.objects.filter(user=user, case_id__in=ids).values_list("case_id", "choice"))


def vote_marker(case_id: int) -> str:
    """What the cached rows hold where the viewer's answer goes (_case_rows.html writes it)."""
    return f"<!--your-vote:{case_id}-->"


def vote_mark(choice: str) -> SafeString:
    label = _("Your vote: %(answer)s") % {"answer": VOTE_BADGES[choice]}
    return format_html(
        '<span class="badge vote-badge vote-badge-{} your-vote-mark" lang="{}">'
        '<span aria-hidden="true">✓ </span>{}</span>',
        choice,
        get_language() or settings.LANGUAGE_CODE,
        label,
    )


def with_viewer_votes(html: SafeString, votes: dict[int, str]) -> SafeString:
    """The cached `html` with the viewer's answers marked: each marker of a case they voted on
    replaced by its mark (the markers are HTML comments, so the rest show nothing). User text in
    the rows is escaped, so a marker can only come from our template."""
    for case_id, choice in votes.items():
        html = html.replace(vote_marker(case_id), vote_mark(choice))
    return mark_safe(html)  # our template's output with our own marks
