"""Notifications put into words in the reader's language, when shown.

A `Notification` row keeps what happened, not a sentence in the language of whoever acted:
its `kind`, the case and comment it is about, and `params`, the facts. `notification_text`
is the one place where they become a sentence, with gettext placeholders in the active
language (the page /notifications/ and the digest emails, written under
`translation.override(reader's language)`, both go through it). The case's title is read at
that moment too, in the reader's language where the case has a translation
(cases.translations.show_case_titles, called by the selectors).

The `params` each kind reads:

- `reply`: `{}`; `comment` is the reply, whose author is named
- `proposal_decided`: `{"status": the case's new status code}`
- `outcome_update`: `{"date": the update's ISO 8601 date}` (when it happened)
- `case_closed`: `{"reason": the curator's own words, as typed}`
- `comment_hidden`: `{"reason": a curator's words, or "code" and "params": the site's code
  for the hiding and its facts}`, put into words by cases.moderation_texts
- `comment_restored`: `{}`
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from cases.moderation_texts import moderation_text

if TYPE_CHECKING:
    from accounts.models import Notification

# Case.Status values that a decision on a proposal leads to.
PUBLISHED, NEEDS_CHANGES, REJECTED = "published", "needs_changes", "rejected"


def _title(notification: Notification) -> str:
    return notification.case.title if notification.case is not None else ""


def _reply(notification: Notification) -> str:
    author = notification.comment.author if notification.comment is not None else None
    name = author.get_username() if author is not None else pgettext("a reply's author", "Someone")
    return gettext("%(name)s replied to your comment on “%(title)s”.") % {
        "name": name,
        "title": _title(notification),
    }


def _proposal_decided(notification: Notification) -> str:
    sentences = {
        PUBLISHED: gettext("A curator published your proposal “%(title)s”."),
        NEEDS_CHANGES: gettext(
            "A curator sent your proposal “%(title)s” back with a note: edit and resubmit it."
        ),
        REJECTED: gettext("A curator rejected your proposal “%(title)s”."),
    }
    return sentences[notification.params["status"]] % {"title": _title(notification)}


def _outcome_update(notification: Notification) -> str:
    day = date_format(date.fromisoformat(notification.params["date"]), "DATE_FORMAT")
    return gettext("A curator added what happened next to “%(title)s” (dated %(date)s).") % {
        "title": _title(notification),
        "date": day,
    }


def _case_closed(notification: Notification) -> str:
    return gettext("The discussion on “%(title)s” is closed: %(reason)s") % {
        "title": _title(notification),
        "reason": notification.params["reason"],
    }


def _comment_hidden(notification: Notification) -> str:
    params = notification.params
    reason = moderation_text(params.get("code", ""), params.get("params"), params.get("reason", ""))
    sentence = gettext("Your comment on “%(title)s” was hidden.") % {"title": _title(notification)}
    if not reason:
        return sentence
    return pgettext(
        "a notification that a comment was hidden, then why", "%(sentence)s Why: %(reason)s"
    ) % {"sentence": sentence, "reason": reason}


def _comment_restored(notification: Notification) -> str:
    return gettext("Your comment on “%(title)s” is shown again.") % {"title": _title(notification)}


_SENTENCES: dict[str, Callable[[Notification], str]] = {
    "reply": _reply,
    "proposal_decided": _proposal_decided,
    "outcome_update": _outcome_update,
    "case_closed": _case_closed,
    "comment_hidden": _comment_hidden,
    "comment_restored": _comment_restored,
}


def notification_text(notification: Notification) -> str:
    """The sentence for a notification, in the active language. A kind it does not know, or
    facts it cannot read, give the kind's name."""
    try:
        return _SENTENCES[notification.kind](notification)
    except (KeyError, TypeError, ValueError, AttributeError):
        return str(notification.get_kind_display())


def notification_url(notification: Notification) -> str:
    """Where a notification leads: the comment it is about, the case, or the proposer's own
    proposals (a proposal sent back: its edit page)."""
    if notification.kind == "proposal_decided" and notification.case is not None:
        status = notification.params.get("status")
        if status == NEEDS_CHANGES:
            return reverse("cases:proposal_edit", kwargs={"slug": notification.case.slug})
        if status == REJECTED:
            return f"{reverse('profile', args=[notification.user.get_username()])}#proposals"
    if notification.comment_id is not None:
        return reverse("cases:comment_permalink", kwargs={"comment_id": notification.comment_id})
    if notification.case is not None:
        return notification.case.get_absolute_url()
    return reverse("notifications")
