"""Consistent copies of the database, and reading one back into an empty database.

`manage.py backup` and `manage.py restore` call these (README.md, "Backups").

- SQLite: `VACUUM INTO` through Django's connection. It reads one snapshot (a read transaction,
  which in WAL mode neither blocks the site's writers nor waits for them) and writes a compact,
  self-contained file: everything committed before it began, nothing after, no -wal beside it.
- PostgreSQL: `pg_dump -Fc`, which dumps one snapshot (a repeatable-read transaction).

Each is written to a temporary name in the target directory (mode 0600: the file holds
password hashes), flushed to disk, then linked to its final name, which never overwrites.

Restoring into SQLite uses SQLite's online backup API (`sqlite3.Connection.backup`) rather
than copying the file over the database: the pages go through SQLite's own locking and
journal in one write transaction, so a process that still has the database open sees the old
or the new database, never a mix, and a leftover -wal cannot be replayed onto the new file
(which is how copying a file over an open WAL database corrupts it). PostgreSQL restores with
`pg_restore --single-transaction`: all or nothing.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import ConnectionHandler

SQLITE, POSTGRESQL = "sqlite", "postgresql"
SUFFIXES = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
MAGIC = {SQLITE: b"SQLite format 3\x00", POSTGRESQL: b"PGDMP"}  # pg_dump -Fc's archive
BACKUP_DIR = Path(settings.BASE_DIR) / "backups"
# Rows that `migrate` writes by itself: a database holding only these still counts as empty.
BOOKKEEPING_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
    }
)
# libpq reads these from the environment; the password never goes on a command line.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    seconds: float


def engine_kind(database: dict) -> str:
    engine = database["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return SQLITE
    if engine == "django.db.backends.postgresql":
        return POSTGRESQL
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def default_path(kind: str, now: datetime | None = None) -> Path:
    """backups/outsourcing-2026-11-30T031500Z.sqlite3 (or .dump), in UTC."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return BACKUP_DIR / f"outsourcing-{now:%Y-%m-%dT%H%M%SZ}{SUFFIXES[kind]}"


def backup_kind(path: Path) -> str | None:
    """SQLITE or POSTGRESQL by the file's first bytes; None for anything else."""
    with open(path, "rb") as file:
        head = file.read(16)
    return next((kind for kind, magic in MAGIC.items() if head.startswith(magic)), None)


def backup(output: str | Path | None = None, *, using: str = DEFAULT_DB_ALIAS) -> Backup:
    """Write a consistent copy of the database to `output` (default: a new file in backups/)."""
    started = time.monotonic()
    connection = connections[using]
    kind = engine_kind(connection.settings_dict)
    if output is None:
        path = default_path(kind)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    else:
        path = Path(output)
    path = path.absolute()
    if path.exists():
        raise BackupError(f"{path} already exists; a backup never overwrites a file.")
    if not path.parent.is_dir():
        raise BackupError(f"No directory {path.parent} to write the backup in.")
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        if kind == SQLITE:
            _vacuum_into(connection, temporary)
        else:
            _pg_dump(connection.settings_dict, temporary)
        _publish(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return Backup(path, path.stat().st_size, time.monotonic() - started)


def _vacuum_into(connection, temporary: Path) -> None:
    if connection.in_atomic_block:
        raise BackupError("SQLite cannot VACUUM INTO inside a transaction.")
    # An empty file is allowed as VACUUM INTO's target; the path is a bound parameter.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(temporary)])


def _pg_dump(database: dict, temporary: Path) -> None:
    command = [_program("pg_dump"), "--format=custom", "--no-password", f"--file={temporary}"]
    _run([*command, *_libpq_arguments(database)], database)


def _publish(temporary: Path, path: Path) -> None:
    """Flush the finished file, then give it its name in one step that never overwrites."""
    with open(temporary, "rb+") as file:
        os.fsync(file.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise BackupError(f"{path} appeared while the backup ran; not overwritten.") from None
    except OSError:  # a file system without hard links: rename, having checked above
        os.rename(temporary, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def restore(
    path: str | Path,
    *,
    database: dict | None = None,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> str:
    """Read a backup into the database (the `using` alias, or the `database` settings given)
    that must hold no data unless `force`; returns what was done, for the operator."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    own = database is None
    database = connections[using].settings_dict if own else database
    kind = engine_kind(database)
    found = backup_kind(path)
    if found is None:
        raise BackupError(
            f"{path} is not a backup: neither an SQLite database nor a pg_dump custom archive."
        )
    if found != kind:
        raise BackupError(f"{path} is a {found} backup, but the database is {kind}.")
    if kind == SQLITE:
        _check_sqlite_backup(path)
    with _connected(database, using if own else None) as connection:
        tables = _table_names(connection)
        full = list(_tables_with_rows(connection, tables))
    if full and not force:
        shown = ", ".join(full[:6]) + (", …" if len(full) > 6 else "")
        raise BackupError(
            f"The database {database['NAME']} already holds data (rows in {shown}). Restore "
            "fills an empty database only: use a new one (SQLite: a new file; PostgreSQL: "
            "createdb), or --force to replace what is in it."
        )
    for connection in connections.all(initialized_only=True):
        if connection.settings_dict["NAME"] == database["NAME"]:
            connection.close()
    if kind == SQLITE:
        _sqlite_restore(path, Path(database["NAME"]))
        return f"Restored {path} into {database['NAME']} (SQLite backup API)."
    _pg_restore(path, database, clean=bool(tables))
    return f"Restored {path} into the PostgreSQL database {database['NAME']}."


@contextmanager
def _connected(database: dict, alias: str | None) -> Iterator:
    """The site's own connection for its alias (it sees the caller's transaction), else a
    connection of its own to the database described, closed afterwards."""
    if alias is not None:
        yield connections[alias]
        return
    handler = ConnectionHandler({DEFAULT_DB_ALIAS: dict(database)})
    try:
        yield handler[DEFAULT_DB_ALIAS]
    finally:
        handler.close_all()


def _table_names(connection) -> list[str]:
    if connection.vendor == "sqlite":
        name = Path(connection.settings_dict["NAME"])
        if not name.exists() or name.stat().st_size == 0:
            return []  # connecting would create the file
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _tables_with_rows(connection, tables: list[str]) -> Iterator[str]:
    with connection.cursor() as cursor:
        for table in tables:
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                yield table


def _check_sqlite_backup(path: Path) -> None:
    source = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)
    try:
        verdict = source.execute("PRAGMA quick_check").fetchone()[0]
        known = source.execute(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'django_migrations'"
        ).fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as SQLite: {error}") from None
    finally:
        source.close()
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: {verdict}")
    if not known:
        raise BackupError(f"{path} is an SQLite file, but not a Django database.")


def _sqlite_restore(path: Path, target: Path) -> None:
    source = sqlite3.connect(f"file:{quote(str(path.absolute()))}?mode=ro", uri=True)
    destination = sqlite3.connect(target, timeout=20)
    try:
        source.backup(destination)  # every page in one step: one write transaction
    except sqlite3.DatabaseError as error:
        raise BackupError(f"Could not restore into {target}: {error}") from None
    finally:
        destination.close()
        source.close()


def _pg_restore(path: Path, database: dict, *, clean: bool) -> None:
    command = [
        _program("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
    ]
    if clean:  # tables exist (a migrated or --force'd database): drop the dump's own first
        command += ["--clean", "--if-exists"]
    _run([*command, *_libpq_arguments(database), str(path.absolute())], database)


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed or not on PATH (Debian: apt install postgresql-client; "
            "use the server's major version)."
        )
    return found


def _libpq_arguments(database: dict) -> list[str]:
    arguments = []
    if database.get("HOST"):
        arguments.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        arguments.append(f"--port={database['PORT']}")
    if database.get("USER"):
        arguments.append(f"--username={database['USER']}")
    return [*arguments, f"--dbname={database['NAME']}"]


def _run(command: list[str], database: dict) -> None:
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in LIBPQ_OPTIONS.items():
        if database.get("OPTIONS", {}).get(option) is not None:
            environment[variable] = str(database["OPTIONS"][option])
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        program = Path(command[0]).name
        raise BackupError(f"{program} failed (exit {result.returncode}): {result.stderr.strip()}")
