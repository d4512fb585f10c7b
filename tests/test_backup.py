"""Backups taken while the site writes, read back into a fresh empty database.

Writer threads keep signing people up, voting, commenting and hiding comments (each act its
own transaction, through the services) while `backups.backup` runs; the backup is restored by
`manage.py restore` into a new database (SQLite: a new file; PostgreSQL: a database created
for the test and dropped after). Every row committed before the backup began must be there,
no row committed after it ended, and the stored figures must match the rows
(`manage.py recount_votes --check`). The SQLite test runs on SQLite, the PostgreSQL one on
PostgreSQL (DATABASE_URL=postgres://…).

Checked by hand to go red: copying the WAL-mode database file (`shutil.copy`) instead of
`VACUUM INTO` loses every row still in the -wal; restoring a stale backup fails the row
checks; a case's tally changed in the restored database fails the recount.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import ConnectionHandler

from accounts.models import User
from cases import services
from cases.models import Case, Comment, ModerationLog, Vote
from outsourcing import backups
from tests.conftest import run_at_once
from tests.factories import CaseFactory, UserFactory

ROOT = Path(settings.BASE_DIR)
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
on_sqlite = pytest.mark.skipif(ON_POSTGRESQL, reason="the SQLite backup")
on_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="the PostgreSQL backup")

TABLES = {"users": User, "cases": Case, "votes": Vote, "comments": Comment, "log": ModerationLog}
CHOICES = ["yes", "no", "depends"]
WRITERS = 3
FILLER_LOG_ROWS = 20_000  # ~10 MB of moderation log, so that the backup takes a while


class Writers:
    """Threads that keep writing through the services until stopped."""

    def __init__(self, cases, curator):
        self.cases, self.curator = cases, curator
        self.done = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.outcome = []
        self.thread = threading.Thread(
            target=lambda: self.outcome.extend(run_at_once(WRITERS, self.work))
        )

    def work(self, i):
        n = 0
        while not self.stop.is_set():
            person = UserFactory(username=f"writer-{i}-{n}")
            case = self.cases[(i + n) % len(self.cases)]
            services.cast_vote(user=person, case=case, choice=CHOICES[n % 3])
            comment = services.add_comment(author=person, case=case, body=f"Writer {i}: {n}.")
            if n % 3 == 0:
                services.hide_comment(moderator=self.curator, comment=comment, reason="Noise.")
            n += 1
            with self.lock:
                self.done += 1

    def wait_for(self, count):
        deadline = time.monotonic() + 120
        while self.done < count:
            assert self.thread.is_alive() and time.monotonic() < deadline, self.outcome
            time.sleep(0.005)

    def finish(self):
        self.stop.set()
        self.thread.join()
        _, errors = self.outcome
        return errors


def committed_ids():
    return {name: set(model.objects.values_list("pk", flat=True)) for name, model in TABLES.items()}


def restored_ids(database):
    handler = ConnectionHandler({"default": dict(database)})
    try:
        with handler["default"].cursor() as cursor:
            ids = {}
            for name, model in TABLES.items():
                cursor.execute(f"SELECT {model._meta.pk.column} FROM {model._meta.db_table}")
                ids[name] = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT id, votes_yes, votes_no, votes_depends FROM cases_case ORDER BY id"
            )
            stored = {row[0]: row[1:] for row in cursor.fetchall()}
            cursor.execute("SELECT case_id, choice, COUNT(*) FROM cases_vote GROUP BY 1, 2")
            counted = {case_id: [0, 0, 0] for case_id in stored}
            for case_id, choice, n in cursor.fetchall():
                counted[case_id][CHOICES.index(choice)] = n
    finally:
        handler.close_all()
    return ids, stored, {case_id: tuple(n) for case_id, n in counted.items()}


def database_url(database):
    if not ON_POSTGRESQL:
        return f"sqlite:///{database['NAME']}"
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{quote(database['USER'])}{password}@{host}{port}/{database['NAME']}"


def manage(database, *arguments):
    """manage.py in a process of its own, on the database described (system checks skipped:
    this is about the data)."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_DEBUG": "",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *arguments, "--skip-checks"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def backup_while_writing(output, curators_group):
    """Take the backup with the writers running; return (the backup, the ids committed before
    it began, after the writers stopped, and the writers' rounds finished during it)."""
    curator = UserFactory(username="backup-curator", is_staff=True)
    curator.groups.add(curators_group)
    cases = CaseFactory.create_batch(4)
    ModerationLog.objects.bulk_create(
        ModerationLog(
            moderator=curator,
            moderator_name=curator.username,
            action=ModerationLog.Action.HIDE_COMMENT,
            reason=f"Filler {i}: " + "x" * 480,
        )
        for i in range(FILLER_LOG_ROWS)
    )
    writers = Writers(cases, curator)
    writers.thread.start()
    try:
        writers.wait_for(2 * WRITERS)
        before = committed_ids()
        started = writers.done
        made = backups.backup(output)
        during = writers.done - started
        writers.wait_for(writers.done + 2 * WRITERS)  # and the writing goes on after it
    finally:
        errors = writers.finish()
    assert errors == []
    return made, before, committed_ids(), during


def check_restored(made, target, before, after, during):
    result = manage(target, "restore", str(made.path))
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout
    restored, stored, counted = restored_ids(target)
    for name in TABLES:
        assert before[name] <= restored[name], f"{name} committed before the backup are missing"
        assert restored[name] <= after[name], f"{name} the site never had"
    for name in ("users", "votes", "comments"):
        assert restored[name] < after[name], f"{name} written after the backup are in it"
    assert stored == counted  # every case's tallies match its vote rows
    recount = manage(target, "recount_votes", "--check")
    assert recount.returncode == 0, recount.stdout + recount.stderr
    assert "Every stored figure matches its rows." in recount.stdout

    refused = manage(target, "restore", str(made.path))
    assert refused.returncode == 1
    assert "already holds data" in refused.stderr
    replaced = manage(target, "restore", str(made.path), "--force")
    assert replaced.returncode == 0, replaced.stderr
    assert restored_ids(target)[0] == restored
    rows = sum(len(ids) for ids in restored.values())
    checked = sum(len(ids) for ids in before.values())
    print(
        f"{made.path.name}: {made.size:,} bytes in {made.seconds:.2f} s, {during} writer rounds "
        f"during it; {rows:,} rows restored, {checked:,} committed before it checked"
    )


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_while_writing_restores_every_committed_row(curators_group, tmp_path):
    made, before, after, during = backup_while_writing(tmp_path / "site.sqlite3", curators_group)
    assert during > 0, "the writers should keep committing while VACUUM INTO runs"
    target = {**connection.settings_dict, "NAME": str(tmp_path / "restored" / "new.sqlite3")}
    Path(target["NAME"]).parent.mkdir()
    check_restored(made, target, before, after, during)


@pytest.fixture
def fresh_postgresql_database(db):
    """An empty database beside the test database (`createdb`), dropped afterwards."""
    name = f"outsourcing_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**connection.settings_dict, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_while_writing_restores_every_committed_row(
    curators_group, tmp_path, fresh_postgresql_database
):
    made, before, after, during = backup_while_writing(tmp_path / "site.dump", curators_group)
    assert during > 0, "the writers should keep committing while pg_dump runs"
    check_restored(made, fresh_postgresql_database, before, after, during)


@pytest.mark.django_db
def test_backup_refuses_an_existing_output(tmp_path):
    existing = tmp_path / "taken.backup"
    existing.write_bytes(b"an earlier backup")

    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", output=str(existing))

    assert existing.read_bytes() == b"an earlier backup"
    assert list(tmp_path.iterdir()) == [existing]


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_users_or_cases(tmp_path):
    UserFactory(username="kept")
    CaseFactory(slug="kept-case")
    output = tmp_path / "site.backup"
    call_command("backup", output=str(output))
    User.objects.create(username="added-after-the-backup")

    with pytest.raises(CommandError, match="already holds data") as refused:
        call_command("restore", str(output))

    assert "accounts_user" in str(refused.value)
    assert "cases_case" in str(refused.value)

    assert sorted(User.objects.values_list("username", flat=True)) == [
        "added-after-the-backup",
        "kept",
    ]
    assert list(Case.objects.values_list("slug", flat=True)) == ["kept-case"]


@pytest.mark.django_db
def test_restore_refuses_a_file_of_the_wrong_kind(tmp_path):
    UserFactory(username="kept")
    other = tmp_path / "other.backup"
    if ON_POSTGRESQL:
        with closing(sqlite3.connect(other)) as made:
            made.execute("CREATE TABLE django_migrations (id INTEGER)")
        expected = "is a sqlite backup, but the database is postgresql"
    else:
        other.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
        expected = "is a postgresql backup, but the database is sqlite"
    junk = tmp_path / "notes.txt"
    junk.write_text("Not a backup at all.\n")

    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other), force=True)
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(junk), force=True)
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "missing.dump"), force=True)

    assert list(User.objects.values_list("username", flat=True)) == ["kept"]


@on_sqlite
@pytest.mark.django_db
def test_restore_refuses_an_sqlite_file_that_is_not_a_site_database(tmp_path):
    stranger = tmp_path / "stranger.sqlite3"
    with closing(sqlite3.connect(stranger)) as made:
        made.execute("CREATE TABLE notes (body TEXT)")

    with pytest.raises(CommandError, match="not a Django database"):
        call_command("restore", str(stranger), force=True)


@on_postgresql
@pytest.mark.django_db
def test_backup_says_when_pg_dump_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("pg_dump") is None

    with pytest.raises(CommandError, match="pg_dump is not installed"):
        call_command("backup", output=str(tmp_path / "site.dump"))

    assert list(tmp_path.iterdir()) == []
