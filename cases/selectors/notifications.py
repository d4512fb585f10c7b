"""Reads for notifications: the header's count, the page /notifications/, the digest settings.

The count is one query on the partial index `notification_unread_idx`, only when a template
reads it (`unread_notifications` in every template's context: cases/context_processors.py),
and never for visitors. The page is two queries for a page of notifications (the count for
the paginator, the rows with their cases and comments' authors) and one for the cases'
titles in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from accounts.models import DigestPreference, Notification, User
from cases.translations import show_case_titles

NOTIFICATIONS_PER_PAGE = settings.PROFILE_ITEMS_PER_PAGE
# The header shows "99+" above this: counting stops there, however many there are.
UNREAD_SHOWN_MAX = 99


def unread_count(user: User) -> int:
    """How many unread notifications `user` has, up to UNREAD_SHOWN_MAX + 1."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True).order_by()
    return unread[: UNREAD_SHOWN_MAX + 1].count()


def lazy_unread_count(request: HttpRequest) -> Callable[[], int]:
    """For the template context: the count, read at most once and only when a template asks
    for it; 0 without a query for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return lambda: 0
    return cache(lambda: unread_count(user))


def with_texts(notifications: list[Notification]) -> list[Notification]:
    """The cases' titles in the reader's language (one query), so that `text()` reads them."""
    show_case_titles([n.case for n in notifications if n.case is not None])
    return notifications


def notifications_of(user: User):
    """A user's notifications, newest first, with what their sentences name. Read through the
    user's related manager, so each row's `user` is `user` without a query."""
    return user.notifications.select_related("case", "comment__author").order_by(
        "-created_at", "-id"
    )


def notifications_page(user: User, number: str | int | None) -> Page:
    page = Paginator(notifications_of(user), NOTIFICATIONS_PER_PAGE).get_page(number)
    page.object_list = with_texts(list(page.object_list))
    return page


@dataclass(frozen=True)
class DigestSetting:
    kind: str
    label: str
    frequency: str
    frequencies = DigestPreference.Frequency.choices


def digest_settings(user: User) -> list[DigestSetting]:
    """Every kind with the user's digest frequency for it ("never" without a row): one query."""
    chosen = dict(user.digest_preferences.values_list("kind", "frequency"))
    return [
        DigestSetting(kind=kind, label=label, frequency=chosen.get(kind, "never"))
        for kind, label in Notification.Kind.choices
    ]


def digest_setting(user: User, kind: str) -> DigestSetting:
    frequency = (
        DigestPreference.objects.filter(user=user, kind=kind)
        .values_list("frequency", flat=True)
        .first()
    )
    label = Notification.Kind(kind).label
    return DigestSetting(kind=kind, label=label, frequency=frequency or "never")
