"""Which state of the opinion groups a cached fragment shows: a token kept in the cache.

The case page's figures ("verdict by group") and /groups/ are cached, and the groups change
only when `compute_opinion_groups` stores a new run or a curator renames a group. Both give
the token a new value once their transaction commits (`groups_changed`), so the fragments
keyed on it are rendered anew. Reading it costs no query: the token lives in the cache alone.
When it is missing there (a cleared or restarted cache, an eviction), a new one is made, so a
fragment is never served under a token that came before the groups it shows.

With a shared cache (Redis) a change shows on every server at once. With each process's own
memory cache a change made by the worker does not reach the web processes: their fragments
then show the new groups when they expire (FRAGMENT_CACHE_SECONDS), as every cached fragment
does there.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache

GROUPS_VERSION_KEY = "opinion-groups-version"


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def groups_version() -> str:
    """The current token (never expires; a new one when missing)."""
    version = cache.get(GROUPS_VERSION_KEY)
    if version is None:
        fresh = _new_token()
        if cache.add(GROUPS_VERSION_KEY, fresh, None):
            return fresh
        # Another process made one meanwhile: theirs wins, so that both agree.
        version = cache.get(GROUPS_VERSION_KEY, fresh)
    return version


def groups_changed() -> None:
    """A new token: every fragment showing the groups is rendered anew on its next read.
    Call it on commit (`transaction.on_commit(groups_changed)`)."""
    cache.set(GROUPS_VERSION_KEY, _new_token(), None)
