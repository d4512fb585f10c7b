"""Moderation texts that the site writes, put into words in the reader's language when shown.

The database keeps what happened, not a sentence in the language of whoever acted:

- a `ModerationLog` row keeps its `action` code, `params` (the facts: a count, flag reason
  codes, status codes, a date) and `reason`, a curator's own words kept as typed;
- a comment hidden by the site keeps `Comment.hidden_code` and `Comment.hidden_params`; a
  comment a curator hid keeps the curator's words in `Comment.hidden_reason`.

`moderation_text` is the one place where such a code becomes a sentence, at display time, with
gettext placeholders in the active language (`ModerationLog.describe()`,
`Comment.hidden_reason_text()`, the templates and the admin all go through it). A code it
does not know, or parameters it cannot read, give the stored words unchanged.

The `params` each code reads:

- `HIDDEN_BY_FLAGS` (a comment's code, and a log row of the community's flags hiding one):
  `{"count": people who flagged, "reasons": [flag reason codes]}`
- `HIDDEN_BY_CURATOR_AFTER_FLAGS` (a comment's code): `{"reasons": [flag reason codes]}`
- `change_case_status`: `{"old": status code, "new": status code}`
- `resolve_flags`: `{"outcome": one of `Outcome`, "count": flags resolved, "reasons": [...]}`
- `suspend`: `{"permanently": bool, "until": ISO 8601 datetime or null}`; rows converted from
  the old texts may carry `"until_text"` (the date as it was written) instead of `"until"`
- `unsuspend`: `{}`
- `link_cases`, `unlink_cases`: `{"other": the other case's slug, "title": its title as
  written}`; the note on what differs (linking) or the reason (unlinking) is the row's
  `reason`
- `add_outcome`, `remove_outcome`: `{"date": the update's ISO 8601 date}` (when it happened);
  removing: the reason is the row's `reason`
- `label_group`: `{"number": the group's number, "label": the new label ("": the automatic
  one again), "previous": the curator's label before ("": none)}`
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

# Comment.hidden_code values (Comment.HiddenCode) and the log row the flags write.
HIDDEN_BY_FLAGS = "flags"
HIDDEN_BY_CURATOR_AFTER_FLAGS = "curator_after_flags"


class Outcome:
    """What a curator's decision on a comment's flags did (`resolve_flags` params)."""

    SHOWN_AGAIN = "shown_again"  # kept, and the flags' hiding undone
    STAYS_HIDDEN = "stays_hidden"  # kept, but a curator had hidden it: it stays hidden
    KEPT = "kept"  # kept; it was shown all along
    HIDDEN = "hidden"  # hidden


# Flag.Reason values in the order of its choices.
FLAG_REASON_ORDER = ("spam", "off_topic", "unkind", "misleading", "other")


def flag_reason_words(codes: Sequence[str]) -> str:
    """Flag reason codes as words inside a sentence: “spam, unkind”. Not Flag.Reason's
    labels, which are capitalised for the form's radio buttons."""
    words = {
        "spam": pgettext("flag reason, inside a sentence", "spam"),
        "off_topic": pgettext("flag reason, inside a sentence", "off-topic"),
        "unkind": pgettext("flag reason, inside a sentence", "unkind"),
        "misleading": pgettext("flag reason, inside a sentence", "misleading"),
        "other": pgettext("flag reason, inside a sentence", "other"),
    }
    return ", ".join(str(words.get(code, code)) for code in codes)


def _status_label(code: str) -> str:
    from cases.models.cases import Case  # here: the models import this module

    return str(dict(Case.Status.choices).get(code, code))


def _moment(params: Mapping) -> str:
    """A stored moment in the reader's date format (in the site's time zone)."""
    moment = parse_datetime(params["until"]) if params.get("until") else None
    if moment is None:
        return str(params["until_text"])
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _with_note(sentence: str, note: str) -> str:
    if not note:
        return sentence
    return pgettext(
        "a moderation log sentence, then the curator's own words", "%(sentence)s %(note)s"
    ) % {"sentence": sentence, "note": note}


def _hidden_by_flags(params: Mapping, note: str) -> str:
    count = int(params["count"])
    return ngettext(
        "Hidden after flags from %(count)d person (%(reasons)s). A curator will decide.",
        "Hidden after flags from %(count)d people (%(reasons)s). A curator will decide.",
        count,
    ) % {"count": count, "reasons": flag_reason_words(params["reasons"])}


def _hidden_by_curator_after_flags(params: Mapping, note: str) -> str:
    return gettext("Hidden by a curator after readers flagged it (%(reasons)s).") % {
        "reasons": flag_reason_words(params["reasons"])
    }


def _status_changed(params: Mapping, note: str) -> str:
    sentence = gettext("From “%(old)s” to “%(new)s”.") % {
        "old": _status_label(params["old"]),
        "new": _status_label(params["new"]),
    }
    return _with_note(sentence, note)


def _flags_resolved(params: Mapping, note: str) -> str:
    count = int(params["count"])
    outcome = params["outcome"]
    if outcome == Outcome.SHOWN_AGAIN:
        sentence = ngettext(
            "Kept after %(count)d flag (%(reasons)s): shown again.",
            "Kept after %(count)d flags (%(reasons)s): shown again.",
            count,
        )
    elif outcome == Outcome.STAYS_HIDDEN:
        sentence = ngettext(
            "Kept after %(count)d flag (%(reasons)s); it stays hidden by a curator.",
            "Kept after %(count)d flags (%(reasons)s); it stays hidden by a curator.",
            count,
        )
    elif outcome == Outcome.KEPT:
        sentence = ngettext(
            "Kept after %(count)d flag (%(reasons)s).",
            "Kept after %(count)d flags (%(reasons)s).",
            count,
        )
    elif outcome == Outcome.HIDDEN:
        sentence = ngettext(
            "Hidden after %(count)d flag (%(reasons)s).",
            "Hidden after %(count)d flags (%(reasons)s).",
            count,
        )
    else:
        raise ValueError(outcome)
    reasons = flag_reason_words(params["reasons"])
    return _with_note(sentence % {"count": count, "reasons": reasons}, note)


def _suspended(params: Mapping, note: str) -> str:
    if params["permanently"]:
        return gettext("Permanently: %(reason)s") % {"reason": note}
    return gettext("Until %(until)s: %(reason)s") % {"until": _moment(params), "reason": note}


def _suspension_lifted(params: Mapping, note: str) -> str:
    return note or gettext("Suspension lifted.")


def _cases_linked(params: Mapping, note: str) -> str:
    sentence = gettext("Linked with “%(title)s”.") % {"title": params["title"]}
    return _with_note(sentence, note)


def _cases_unlinked(params: Mapping, note: str) -> str:
    sentence = gettext("Removed the link with “%(title)s”.") % {"title": params["title"]}
    return _with_note(sentence, note)


def _outcome_day(params: Mapping) -> str:
    return date_format(date.fromisoformat(params["date"]), "DATE_FORMAT")


def _outcome_added(params: Mapping, note: str) -> str:
    sentence = gettext("The update is dated %(date)s.") % {"date": _outcome_day(params)}
    return _with_note(sentence, note)


def _outcome_removed(params: Mapping, note: str) -> str:
    sentence = gettext("Removed the update dated %(date)s.") % {"date": _outcome_day(params)}
    return _with_note(sentence, note)


def _group_labelled(params: Mapping, note: str) -> str:
    values = {
        "number": int(params["number"]),
        "label": params["label"],
        "previous": params["previous"],
    }
    if not values["label"]:
        sentence = gettext("Group %(number)d shows its automatic label again.")
    elif values["previous"]:
        sentence = gettext("Renamed group %(number)d from “%(previous)s” to “%(label)s”.")
    else:
        sentence = gettext("Named group %(number)d “%(label)s”.")
    return _with_note(sentence % values, note)


# Codes with a sentence of their own; every other code (a curator hiding, editing, deleting,
# restoring, publishing, closing…) is told in the curator's own words only.
_SENTENCES: dict[str, Callable[[Mapping, str], str]] = {
    HIDDEN_BY_FLAGS: _hidden_by_flags,
    HIDDEN_BY_CURATOR_AFTER_FLAGS: _hidden_by_curator_after_flags,
    "change_case_status": _status_changed,
    "resolve_flags": _flags_resolved,
    "suspend": _suspended,
    "unsuspend": _suspension_lifted,
    "link_cases": _cases_linked,
    "unlink_cases": _cases_unlinked,
    "add_outcome": _outcome_added,
    "remove_outcome": _outcome_removed,
    "label_group": _group_labelled,
}


def moderation_text(code: str, params: Mapping | None = None, note: str = "") -> str:
    """The sentence for a stored moderation `code` and its `params`, in the active language.

    `note` is a curator's own words: shown verbatim, after the sentence where the code has one,
    alone where it has none. Returns "" when there is nothing to say.
    """
    render = _SENTENCES.get(code)
    if render is None:
        return note
    try:
        return render(params or {}, note)
    except (KeyError, TypeError, ValueError):
        # Parameters this code cannot read (a row converted from an old text): its words.
        return note
