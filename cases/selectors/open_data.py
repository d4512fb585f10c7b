"""/data/: the stored open-data files as they are on disk (cases/open_data.py builds them).

Reads no database: each file's size and the time it was built come from the file itself, so
the page costs the same whether the files hold ten votes or a million.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.urls import reverse

from cases.open_data import (
    BUILD_HOUR,
    BUILD_MINUTE,
    EXPORTS,
    MIN_READER_VOTES,
    Export,
    export_path,
)


@dataclass(frozen=True)
class StoredExport:
    export: Export
    url: str
    size: int | None  # bytes; None: not built yet
    built_at: datetime | None

    @property
    def built(self) -> bool:
        return self.size is not None


def stored_export(export: Export) -> StoredExport:
    url = reverse(f"cases:open_data_{export.name}")
    try:
        stat = export_path(export).stat()
    except FileNotFoundError:
        return StoredExport(export=export, url=url, size=None, built_at=None)
    built_at = datetime.fromtimestamp(stat.st_mtime, tz=UTC)
    return StoredExport(export=export, url=url, size=stat.st_size, built_at=built_at)


def open_data_page() -> dict:
    """The context of templates/cases/open_data.html."""
    return {
        "exports": [stored_export(export) for export in EXPORTS],
        "min_reader_votes": MIN_READER_VOTES,
        "build_time": time(BUILD_HOUR, BUILD_MINUTE),
    }
