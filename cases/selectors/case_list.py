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
it (cases/selectors/blind.py), in the list as on the case page: each row's bar sits between
`<!--result:ID-->` and `<!--/result:ID-->` (its shares in words between `shares` markers),
and `without_hidden_results` replaces them, after the cache, for the cases the viewer may not
see yet (`hidden_results`: one query for a member's reveals, none for a visitor, whose reveals
are in the session).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.models import VOTE_BADGES, Case, VerdictReveal, Vote
from cases.selectors.blind import SESSION_KEY
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


# A row's bar (`result`, which gives way to a note) and its shares in words (`shares`, dropped).
RESULT_BLOCK = re.compile(r"<!--(result|shares):(\d+)-->(.*?)<!--/\1:\2-->", re.S)


def hidden_results(request, cases: Sequence[Case], votes: dict[int, str]) -> set[int]:
    """The ids of the shown cases whose result this viewer may not see yet: blind mode on,
    no vote of theirs, no reveal (session; for a member also their account: one query, only
    when such rows are shown)."""
    hidden = {case.pk for case in cases if case.blind_mode and case.pk not in votes}
    hidden -= set(request.session.get(SESSION_KEY, [])) if hidden else set()
    if hidden and request.user.is_authenticated:
        seen = VerdictReveal.objects.filter(user=request.user, case_id__in=sorted(hidden))
        hidden -= set(seen.values_list("case_id", flat=True))
    return hidden


def without_hidden_results(html: SafeString, hidden: set[int]) -> SafeString:
    """The cached `html` with the shares of the `hidden` cases replaced by a short note."""
    if not hidden:
        return html
    note = format_html('<span class="result-hidden-note">{}</span>', _("vote to see the verdict"))

    def replace(match: re.Match) -> str:
        kind, case_id, shown = match.groups()
        if int(case_id) not in hidden:
            return shown
        return note if kind == "result" else ""

    return mark_safe(RESULT_BLOCK.sub(replace, html))  # our template's output, our own note
