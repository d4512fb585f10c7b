"""Open data: the published cases, the verdicts and the anonymised vote matrix, as files.

The background worker builds them every night (`build_open_data_nightly`, a Huey periodic
job) and `manage.py build_open_data` builds them at once; a request never does: `/data/`
describes the stored files and its downloads serve them as they are (cases/views/open_data.py,
404 "not built yet" before the first build).

- `cases.json`: the published cases in the exchange format that `import_cases` reads
  (cases/importing.py), read in batches of BATCH_CASES. Licence: CC BY 4.0.
- `verdicts.csv`: one row per published case, from the stored tallies. Licence: CC0 1.0.
- `votes.csv`: one row per vote on a published case, by readers with at least
  MIN_READER_VOTES such votes; the reader is a pseudonym, the first 16 hex digits of
  sha256(salt + account number), with a salt made anew for each build and kept only in memory
  while it runs, so two builds cannot be joined. No username, email or perspective; the day,
  never the time. Rows are read with `.iterator()` (a million votes never sit in memory at
  once), one case at a time, and written sorted by pseudonym within each case, so their order
  tells neither who joined first nor who voted first. Licence: CC0 1.0.

Each file is written under a temporary name in DATA_EXPORT_DIR, flushed to disk and then
moved over the old one (`os.replace`), so a download always gets a whole file, old or new.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db.models import Count, F, Window
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from cases.importing import FORMAT, VERSION, export_cases
from cases.models import Case, Vote

# Where the files live unless settings.DATA_EXPORT_DIR says otherwise (git-ignored).
DEFAULT_EXPORT_DIR = Path(settings.BASE_DIR) / "var" / "exports"
MIN_READER_VOTES = 5  # readers with fewer votes on published cases are left out
PSEUDONYM_LENGTH = 16  # hex digits of the salted hash: 64 bits, no collision among readers
BATCH_CASES = 500  # cases exported per query (with their sources)
VOTE_CHUNK = 5_000  # vote rows fetched at a time
BUILD_HOUR, BUILD_MINUTE = 3, 30  # the nightly build, in UTC (TIME_ZONE)
CHOICES = tuple(Vote.Choice.values)  # yes, no, depends: the columns and the answers
# What verdicts.csv reads of each published case: the stored tallies, no vote row.
VERDICT_FIELDS = (
    "slug", "title", "votes_yes", "votes_no", "votes_depends",
    "blind_yes", "blind_no", "blind_depends", "outcome_known_at",
    "hindsight_yes", "hindsight_no", "hindsight_depends", "published_at",
)  # fmt: skip


@dataclass(frozen=True)
class Licence:
    name: str
    url: str


CC_BY = Licence("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
CC0 = Licence("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")


@dataclass(frozen=True)
class Column:
    """A column (or key) of a file, or a few that share one meaning; shown on /data/."""

    names: tuple[str, ...]
    meaning: Promise


@dataclass(frozen=True)
class Export:
    name: str  # in the URL and the download's name: cases, verdicts, votes
    filename: str  # the stored file in DATA_EXPORT_DIR
    content_type: str
    kind: str  # JSON or CSV, as shown
    title: Promise
    licence: Licence
    columns: tuple[Column, ...]

    @property
    def header(self) -> list[str]:
        return [name for column in self.columns for name in column.names]


CASES = Export(
    name="cases",
    filename="cases.json",
    content_type="application/json",
    kind="JSON",
    title=_("The published cases"),
    licence=CC_BY,
    columns=(
        Column(
            ("format", "version"),
            _("Which file this is: the cases format that the site's import reads, version 1."),
        ),
        Column(
            ("cases",),
            _(
                "One object per published case: slug, title, decision, summary, story "
                "(Markdown), category, year, where, outcome, decided_by, outsourced_what, "
                "provider and search_terms, in the language the case is written in."
            ),
        ),
        Column(
            ("factors",),
            _("In each case: the four factors of the rule of thumb as curators recorded them."),
        ),
        Column(
            ("sources",),
            _("In each case: the articles it is based on (title, outlet, author, date, URL)."),
        ),
        Column(("categories",), _("The categories the cases use: slug, name, description.")),
    ),
)
VERDICTS = Export(
    name="verdicts",
    filename="verdicts.csv",
    content_type="text/csv; charset=utf-8",
    kind="CSV",
    title=_("The verdicts per case"),
    licence=CC0,
    columns=(
        Column(("slug",), _("The case's address on this site: /cases/<slug>/.")),
        Column(("title",), _("The case's title, in the language it is written in.")),
        Column(("yes", "no", "depends"), _("Readers whose answer is now yes, no or it depends.")),
        Column(("total",), _("All answers: yes + no + depends.")),
        Column(
            ("blind_yes", "blind_no", "blind_depends"),
            _("The blind verdict: the first answers of readers who had not seen the result."),
        ),
        Column(
            ("hindsight_yes", "hindsight_no", "hindsight_depends"),
            _(
                "Answers to “Knowing what happened, did it make sense?”; empty while the case "
                "has no outcome update."
            ),
        ),
        Column(("published",), _("The day the case was published (YYYY-MM-DD, UTC).")),
    ),
)
VOTES = Export(
    name="votes",
    filename="votes.csv",
    content_type="text/csv; charset=utf-8",
    kind="CSV",
    title=_("The anonymised vote matrix"),
    licence=CC0,
    columns=(
        Column(
            ("reader",),
            _(
                "A pseudonym: 16 hex digits of a salted hash of the account. The same reader "
                "has the same pseudonym throughout one file and another one in the next build."
            ),
        ),
        Column(("case",), _("The case's slug.")),
        Column(("answer",), _("The reader's current answer: yes, no or depends.")),
        Column(("blind",), _("yes if the vote was cast before seeing the result, else no.")),
        Column(("date",), _("The day the reader first answered (YYYY-MM-DD, UTC), no time.")),
    ),
)
EXPORTS = (CASES, VERDICTS, VOTES)
EXPORTS_BY_NAME = {export.name: export for export in EXPORTS}


def export_dir() -> Path:
    return Path(getattr(settings, "DATA_EXPORT_DIR", DEFAULT_EXPORT_DIR))


def export_path(export: Export) -> Path:
    return export_dir() / export.filename


# --- building -------------------------------------------------------------------------------------


def build_exports() -> dict[str, dict]:
    """Build the three files, each replacing its old copy whole. Returns, per export name,
    {"path", "rows", "size", "seconds"}. Only the worker and the command call this."""
    built = {}
    for export, write in (
        (CASES, write_cases_json),
        (VERDICTS, write_verdicts_csv),
        (VOTES, write_vote_matrix),
    ):
        started = time.monotonic()
        path = export_path(export)
        rows = _write_atomically(path, write)
        built[export.name] = {
            "path": str(path),
            "rows": rows,
            "size": path.stat().st_size,
            "seconds": round(time.monotonic() - started, 2),
        }
    return built


@db_periodic_task(crontab(hour=str(BUILD_HOUR), minute=str(BUILD_MINUTE)))
@lock_task("build-open-data")
def build_open_data_nightly() -> dict[str, dict]:
    """The worker's nightly build; one at a time (a second one meanwhile is skipped)."""
    return build_exports()


def _write_atomically(path: Path, write: Callable[[IO[str]], int]) -> int:
    """Write through `write(file) -> rows` to a temporary file beside `path`, flush it to
    disk, then move it over `path`; on any error the old file stays and the temporary goes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            rows = write(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(name, 0o644)  # public data: the web server may run as another user
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return rows


def write_cases_json(file: IO[str]) -> int:
    """The import format (cases/importing.py export_cases), BATCH_CASES cases per query, one
    case per line; the categories they use follow the cases."""
    ids = list(Case.objects.published().order_by("slug").values_list("pk", flat=True))
    file.write(f'{{"format": {json.dumps(FORMAT)}, "version": {VERSION},\n "cases": [')
    categories: dict[str, dict] = {}
    written = 0
    for start in range(0, len(ids), BATCH_CASES):
        batch = ids[start : start + BATCH_CASES]
        data = export_cases(Case.objects.published().filter(pk__in=batch))
        for item in data["cases"]:
            file.write(f"{',' if written else ''}\n  {_json(item)}")
            written += 1
        categories.update((category["slug"], category) for category in data["categories"])
    listed = ",".join(f"\n  {_json(categories[slug])}" for slug in sorted(categories))
    file.write(f'\n ],\n "categories": [{listed}\n ]}}\n')
    return written


def write_verdicts_csv(file: IO[str]) -> int:
    """One row per published case, from its stored tallies (kept by every vote)."""
    writer = csv.writer(file)
    writer.writerow(VERDICTS.header)
    cases = Case.objects.published().order_by("slug").values(*VERDICT_FIELDS)
    rows = 0
    for case in cases.iterator(chunk_size=VOTE_CHUNK):
        writer.writerow(_verdict_row(case))
        rows += 1
    return rows


def _verdict_row(case: dict) -> list:
    counts = [case[f"votes_{choice}"] for choice in CHOICES]
    hindsight = [case[f"hindsight_{choice}"] for choice in CHOICES]
    return [
        case["slug"],
        spreadsheet_safe(case["title"]),
        *counts,
        sum(counts),
        *(case[f"blind_{choice}"] for choice in CHOICES),
        # Asked only once the outcome is known: empty before, not 0.
        *(hindsight if case["outcome_known_at"] is not None else ["", "", ""]),
        _day(case["published_at"]),
    ]


def write_vote_matrix(file: IO[str]) -> int:
    """One row per vote on a published case by a reader with at least MIN_READER_VOTES of
    them: pseudonym, case slug, answer, blind yes/no, day. Streamed one case at a time."""
    salt = secrets.token_bytes(32)  # this build's only; never written, logged or returned
    pseudonyms: dict[int, str] = {}

    def pseudonym(user_id: int) -> str:
        if user_id not in pseudonyms:
            digest = hashlib.sha256(salt + str(user_id).encode()).hexdigest()
            pseudonyms[user_id] = digest[:PSEUDONYM_LENGTH]
        return pseudonyms[user_id]

    # One statement, so one snapshot: a reader's count and their rows cannot disagree. (With
    # the count in a subquery, SQLite looked up every reader in every case: 59 s, not 7.)
    votes = (
        Vote.objects.filter(case__status=Case.Status.PUBLISHED)
        .annotate(reader_votes=Window(Count("id"), partition_by=[F("user_id")]))
        .filter(reader_votes__gte=MIN_READER_VOTES)
        .order_by("case__slug")
        .values_list("case__slug", "user_id", "choice", "blind", "created_at")
        .iterator(chunk_size=VOTE_CHUNK)
    )
    writer = csv.writer(file)
    writer.writerow(VOTES.header)
    rows = 0
    for case_rows in _by_case(votes):
        lines = sorted(
            [pseudonym(user_id), slug, choice, "yes" if blind else "no", _day(created)]
            for slug, user_id, choice, blind, created in case_rows
        )
        writer.writerows(lines)
        rows += len(lines)
    return rows


def _by_case(votes: Iterable[tuple]) -> Iterable[list[tuple]]:
    """The votes (ordered by case) in one list per case: at most one case's voters in memory."""
    current: list[tuple] = []
    for row in votes:
        if current and row[0] != current[0][0]:
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def spreadsheet_safe(text: str) -> str:
    """A cell starting with = + - @ would be a formula in a spreadsheet (as in the admin's
    CSV of verdicts, cases/admin/cases.py)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _day(moment: datetime) -> str:
    """The day only (YYYY-MM-DD in TIME_ZONE, UTC): never the time."""
    return timezone.localdate(moment).isoformat()


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)
