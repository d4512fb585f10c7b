"""The conversions of migration 0012_moderation_log_codes (kept beside it, frozen: the
loader skips modules whose names start with "_").

Forwards, each old text is recognised in every language of settings.LANGUAGES (the old
msgids, translated by the catalogue at hand); its facts become parameters and the curator's own
words, if any, stay in `reason`. A text that is not recognised stays as it is and is shown as
it is. Backwards writes the English texts the old code wrote (with "community flags").
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

COMMUNITY = "community flags"
# The old msgids (English), passed through a variable so makemessages does not collect them.
OLD_FLAGS_HID = (
    "Hidden after flags from %(count)d person (%(reasons)s). A curator will decide.",
    "Hidden after flags from %(count)d people (%(reasons)s). A curator will decide.",
)
OLD_CURATOR_AFTER_FLAGS = "Hidden by a curator after readers flagged it (%(reasons)s)."
OLD_FLAG_COUNT = ("%(count)d flag (%(reasons)s)", "%(count)d flags (%(reasons)s)")
OLD_DECISIONS = {  # the more specific first: "Kept after %(flags)s." matches the others too
    "shown_again": "Kept after %(flags)s: shown again.",
    "stays_hidden": "Kept after %(flags)s; it stays hidden by a curator.",
    "kept": "Kept after %(flags)s.",
    "hidden": "Hidden after %(flags)s.",
}
OLD_PERMANENTLY = "Permanently: %(reason)s"
OLD_UNTIL = "Until %(until)s: %(reason)s"
OLD_LIFTED = "Suspension lifted."
REASON_LABELS = {
    "spam": "Spam",
    "off_topic": "Off-topic",
    "unkind": "Unkind",
    "misleading": "Misleading",
    "other": "Other",
}
STATUSES = {"draft", "pending", "needs_changes", "rejected", "published", "archived"}
BATCH = 500

_gettext = translation.gettext
_ngettext = translation.ngettext


def _regex(template: str, groups: dict[str, str], *, note: bool = False) -> re.Pattern:
    """A translated template as an anchored pattern, its placeholders as named groups."""
    parts = re.split(r"%\((\w+)\)[sd]", template)
    pattern = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>{groups[part]})"
        for i, part in enumerate(parts)
    )
    if note:
        pattern += "(?: (?P<note>.+))?"
    return re.compile(f"^{pattern}$", re.DOTALL)


def _plural_forms(pair: tuple[str, str]) -> set[str]:
    return {_ngettext(pair[0], pair[1], n) for n in (1, 2, 5, 21)}


class OldTexts:
    """The old texts of one language, as patterns."""

    def __init__(self, language: str) -> None:
        with translation.override(language):
            count = {"count": r"\d+", "reasons": r"[^()]+"}
            self.flags_hid = [_regex(t, count) for t in _plural_forms(OLD_FLAGS_HID)]
            self.flag_count = [_regex(t, count) for t in _plural_forms(OLD_FLAG_COUNT)]
            self.curator_after_flags = _regex(
                _gettext(OLD_CURATOR_AFTER_FLAGS), {"reasons": r"[^()]+"}
            )
            self.decisions = {
                outcome: _regex(_gettext(text), {"flags": r".+?"}, note=True)
                for outcome, text in OLD_DECISIONS.items()
            }
            self.permanently = _regex(_gettext(OLD_PERMANENTLY), {"reason": r".*"})
            self.until = _regex(_gettext(OLD_UNTIL), {"until": r".+?", "reason": r".*"})
            self.lifted = _gettext(OLD_LIFTED)
            self.reasons = {
                str(_gettext(label)).lower(): code for code, label in REASON_LABELS.items()
            }

    def reason_codes(self, words: str) -> list[str] | None:
        codes = [self.reasons.get(word.strip().lower()) for word in words.split(",")]
        return None if None in codes else codes

    def counted(self, patterns, text: str) -> dict | None:
        for pattern in patterns:
            match = pattern.match(text)
            if match and (codes := self.reason_codes(match["reasons"])):
                return {"count": int(match["count"]), "reasons": codes}
        return None

    def counted_hid(self, text: str) -> dict | None:
        return self.counted(self.flags_hid, text)

    def curator_hid(self, text: str) -> dict | None:
        match = self.curator_after_flags.match(text)
        if match and (codes := self.reason_codes(match["reasons"])):
            return {"reasons": codes}
        return None

    def decision(self, text: str) -> tuple[dict, str] | None:
        for outcome, pattern in self.decisions.items():
            match = pattern.match(text)
            if match and (flags := self.counted(self.flag_count, match["flags"])):
                return {"outcome": outcome, **flags}, match["note"] or ""
        return None

    def suspension(self, text: str) -> tuple[dict, str] | None:
        if match := self.permanently.match(text):
            return {"permanently": True, "until": None}, match["reason"]
        if match := self.until.match(text):
            until = _parse_moment(match["until"])
            params = {"permanently": False, "until": until and until.isoformat()}
            if until is None:
                params["until_text"] = match["until"]
            return params, match["reason"]
        return None


def _languages() -> list[OldTexts]:
    return [OldTexts(code) for code, _name in settings.LANGUAGES]


def _first(languages: list[OldTexts], method: str, text: str):
    for language in languages:
        if (found := getattr(language, method)(text)) is not None:
            return found
    return None


MONTHS_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTHS_DE = [
    "januar", "februar", "märz", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "dezember",
]  # fmt: skip
# The DATETIME_FORMATs the log was written in: Django's English "N j, Y, P" (Dec. 7, 2026,
# 3:04 p.m.), the site's English "j F Y, H:i" (7 December 2026, 15:04), German "j. F Y H:i".
EN_DJANGO = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}), (\d{4}), (.+)$")
EN_DJANGO_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))? ([ap])\.m\.$")
EN_SITE = re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4}), (\d{1,2}):(\d{2})$")
DE = re.compile(r"^(\d{1,2})\. (\w+) (\d{4}) (\d{1,2}):(\d{2})$")


def _month(name: str, months: list[str], letters: int | None) -> int | None:
    name = name.lower()[:letters]
    return months.index(name) + 1 if name in months else None


def _parse_moment(text: str) -> datetime | None:
    """A moment as the old log wrote it (in the site's time zone), or None."""
    zone = ZoneInfo(settings.TIME_ZONE)
    if match := EN_DJANGO.match(text):
        name, day, year, clock = match.groups()
        if clock in ("midnight", "noon"):
            hour, minute = (0 if clock == "midnight" else 12), 0
        elif time := EN_DJANGO_TIME.match(clock):
            hour, minute = int(time[1]) % 12 + (12 if time[3] == "p" else 0), int(time[2] or 0)
        else:
            return None
        month = _month(name, MONTHS_EN, 3)
    elif match := EN_SITE.match(text):
        day, name, year, hour, minute = match.groups()
        month = _month(name, MONTHS_EN, 3)
    elif match := DE.match(text):
        day, name, year, hour, minute = match.groups()
        month = _month(name, MONTHS_DE, None)
    else:
        return None
    if month is None:
        return None
    try:
        return datetime(int(year), month, int(day), int(hour), int(minute), tzinfo=zone)
    except ValueError:
        return None


def _convert_log_row(row, languages: list[OldTexts]) -> bool:
    """Codes and parameters for one row's old text; True when the row changed."""
    text = row.reason
    if (
        row.action == "hide_comment"
        and row.moderator_id is None
        and row.moderator_name == COMMUNITY
    ):
        row.by_community, row.moderator_name = True, ""
        if (params := _first(languages, "counted_hid", text)) is not None:
            row.params, row.reason = params, ""
        return True
    if row.action == "change_case_status":
        old, arrow, new = text.partition(" → ")
        if arrow and old in STATUSES and new in STATUSES:
            row.params, row.reason = {"old": old, "new": new}, ""
            return True
    elif row.action == "resolve_flags":
        if (found := _first(languages, "decision", text)) is not None:
            row.params, row.reason = found
            return True
    elif row.action == "suspend":
        if (found := _first(languages, "suspension", text)) is not None:
            row.params, row.reason = found
            return True
    elif row.action == "unsuspend" and text in {language.lifted for language in languages}:
        row.reason = ""
        return True
    return False


def _convert_comment(comment, languages: list[OldTexts]) -> bool:
    text = comment.hidden_reason
    if comment.hidden_by_id is None:
        params = _first(languages, "counted_hid", text)
        code = "flags"
    else:
        params = _first(languages, "curator_hid", text)
        code = "curator_after_flags"
    if params is None:
        return False
    comment.hidden_code, comment.hidden_params, comment.hidden_reason = code, params, ""
    return True


def _save_changed(model, rows, convert, fields: list[str]) -> None:
    """Convert the rows in batches, writing only the given (non-key) columns."""
    changed = []
    for row in rows.iterator(chunk_size=BATCH):
        if convert(row):
            changed.append(row)
        if len(changed) >= BATCH:
            model.objects.bulk_update(changed, fields)
            changed = []
    if changed:
        model.objects.bulk_update(changed, fields)


def to_codes(apps, schema_editor):
    languages = _languages()
    ModerationLog = apps.get_model("cases", "ModerationLog")
    Comment = apps.get_model("cases", "Comment")
    _save_changed(
        ModerationLog,
        ModerationLog.objects.filter(
            action__in=[
                "hide_comment",
                "change_case_status",
                "resolve_flags",
                "suspend",
                "unsuspend",
            ]
        ),
        lambda row: _convert_log_row(row, languages),
        ["by_community", "moderator_name", "params", "reason"],
    )
    _save_changed(
        Comment,
        Comment.objects.filter(hidden_at__isnull=False).exclude(hidden_reason=""),
        lambda comment: _convert_comment(comment, languages),
        ["hidden_code", "hidden_params", "hidden_reason"],
    )


# --- backwards: the English texts the old code wrote ----------------------------------------


def _words(codes) -> str:
    return ", ".join(REASON_LABELS.get(code, code).lower() for code in codes)


def _english_hid(params: dict) -> str:
    count = params["count"]
    people = "person" if count == 1 else "people"
    return (
        f"Hidden after flags from {count} {people} ({_words(params['reasons'])}). "
        "A curator will decide."
    )


def _english(row) -> str:
    """The old English text of a converted row."""
    params, note = row.params, row.reason
    if row.by_community:
        return _english_hid(params)
    if row.action == "change_case_status":
        text = f"{params['old']} → {params['new']}"
    elif row.action == "resolve_flags":
        count = params["count"]
        flags = f"{count} flag{'' if count == 1 else 's'} ({_words(params['reasons'])})"
        text = OLD_DECISIONS[params["outcome"]] % {"flags": flags}
    elif row.action == "suspend":
        if params["permanently"]:
            return OLD_PERMANENTLY % {"reason": note}
        until = params.get("until_text")
        if params.get("until"):
            with translation.override("en"):
                until = date_format(
                    parse_datetime(params["until"]).astimezone(ZoneInfo(settings.TIME_ZONE)),
                    "DATETIME_FORMAT",
                )
        return OLD_UNTIL % {"until": until, "reason": note}
    elif row.action == "unsuspend":
        return note or OLD_LIFTED
    else:
        return note
    return f"{text} {note}" if note else text


def _log_back(row) -> bool:
    if not (row.params or row.by_community or row.action == "unsuspend"):
        return False
    try:
        reason = _english(row)
    except (KeyError, TypeError, ValueError, AttributeError):
        reason = row.reason  # parameters it cannot read: the words it has
    if row.by_community:
        row.moderator_name = COMMUNITY
    row.by_community, row.params, row.reason = False, {}, reason
    return True


def _comment_back(comment) -> bool:
    params = comment.hidden_params
    try:
        if comment.hidden_code == "flags":
            reason = _english_hid(params)
        else:
            reason = OLD_CURATOR_AFTER_FLAGS % {"reasons": _words(params["reasons"])}
    except (KeyError, TypeError, ValueError):
        reason = "Hidden after readers flagged it."  # a hidden comment must say why
    comment.hidden_code, comment.hidden_params, comment.hidden_reason = "", {}, reason
    return True


def to_texts(apps, schema_editor):
    ModerationLog = apps.get_model("cases", "ModerationLog")
    Comment = apps.get_model("cases", "Comment")
    _save_changed(
        ModerationLog,
        ModerationLog.objects.all(),
        _log_back,
        ["by_community", "moderator_name", "params", "reason"],
    )
    _save_changed(
        Comment,
        Comment.objects.exclude(hidden_code=""),
        _comment_back,
        ["hidden_code", "hidden_params", "hidden_reason"],
    )
