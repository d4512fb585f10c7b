"""The benchmark's database (created, loaded, read through Django), the gunicorn server that
serves it, and single requests to that server."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.config import BENCH, FLOOR_PATH, PYTHON, ROOT, VOTE_CASE, Config, Page, say

# --- The database -------------------------------------------------------------------------


def database_url(config: Config) -> tuple[str, str]:
    """(DATABASE_URL, "sqlite" | "postgresql"); a missing PostgreSQL database is created."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        name = "bench-quick.sqlite3" if config.quick else "bench.sqlite3"
        return f"sqlite:///{BENCH / name}", "sqlite"
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        create_postgresql_database(url)
        return url, "postgresql"
    if url.startswith("sqlite:"):
        return url, "sqlite"
    raise SystemExit(f"bench: unsupported DATABASE_URL {url!r} (SQLite or PostgreSQL)")


def create_postgresql_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlsplit(url)
    name = urllib.parse.unquote(parts.path.lstrip("/"))
    server = dict(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "") or None,
        password=urllib.parse.unquote(parts.password or "") or None,
    )
    connection = psycopg2.connect(dbname="postgres", **server)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                say(f"bench: creating PostgreSQL database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def child_env(url: str) -> dict[str, str]:
    """The environment of manage.py and gunicorn: production settings over plain HTTP on the
    loopback interface, a throwaway key, the bench database and the bench URLs."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="outsourcing.bench_settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-" + secrets.token_urlsafe(40),
        DJANGO_LOCAL_HTTP="1",
        DJANGO_SECURE_SSL_REDIRECT="0",  # in case DJANGO_LOCAL_HTTP is not understood
        DJANGO_ALLOWED_HOSTS="localhost,127.0.0.1,[::1]",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        DJANGO_LOG_LEVEL=os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
        DATABASE_URL=url,
        GUNICORN_ACCESS_LOG="",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    command = [PYTHON, str(ROOT / "manage.py"), *args]
    if not capture:
        subprocess.run(command, env=env, cwd=ROOT, check=True)
        return ""
    output = []
    with subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        for line in process.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            output.append(line)
    if process.returncode:
        raise SystemExit(f"bench: manage.py {args[0]} failed ({process.returncode})")
    return "".join(output)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def load_data_present() -> bool:
    from cases.management.commands.seed_load import load_data_exists

    return load_data_exists()


def sizes() -> dict[str, object]:
    from accounts.models import User
    from cases.models import Case, Comment, Vote, VoteEvent

    comments = dict(
        Case.objects.filter(slug__startswith="bench-")
        .order_by("slug")
        .values_list("slug", "comment_count")
    )
    return {
        "cases": Case.objects.filter(status="published").count(),
        "votes": Vote.objects.count(),
        "vote_events": VoteEvent.objects.count(),
        "users": User.objects.count(),
        "comments": Comment.objects.count(),
        "comments_on_bench_cases": comments,
    }


def sessions(config: Config) -> tuple[str, list[dict]]:
    """The reader's session id, and the voters of the vote runs (people of the load data):
    user id, session id and CSRF token each, signed in through Django."""
    from django.conf import settings
    from django.test import Client
    from django.utils.crypto import get_random_string

    from accounts.models import User

    def sign_in(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    reader = sign_in(User.objects.get(username="bench-reader"))
    count = max(config.wrk_threads, config.voters - config.voters % config.wrk_threads)
    people = User.objects.filter(username__startswith="load-user-").order_by("pk")[:count]
    voters = [
        {"user_id": person.pk, "session": sign_in(person), "token": get_random_string(32)}
        for person in people
    ]
    return reader, voters


def next_choices(voters: list[dict]) -> list[str]:
    """For each voter, the answer that changes their vote on the vote case (so it writes)."""
    from cases.models import Vote

    current = dict(
        Vote.objects.filter(
            case__slug=VOTE_CASE, user_id__in=[v["user_id"] for v in voters]
        ).values_list("user_id", "choice")
    )
    close_connections()
    return ["no" if current.get(v["user_id"]) == "yes" else "yes" for v in voters]


def close_connections() -> None:
    from django.db import connections

    connections.close_all()


# --- The server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_command(config: Config, port: int) -> list[str]:
    command = [str(Path(PYTHON).parent / "gunicorn")]
    conf = ROOT / "outsourcing" / "gunicorn.conf.py"
    if conf.exists():
        command += ["-c", str(conf)]
    else:
        command += ["--worker-class", "gthread"]
    return [
        *command,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(config.workers),
        "--threads", str(config.threads),
        "--max-requests", "0",  # no worker restarts in the middle of a run
        "outsourcing.wsgi",
    ]  # fmt: skip


@contextlib.contextmanager
def server(config: Config, env: dict[str, str], log_path: Path):
    port = free_port()
    command = gunicorn_command(config, port)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise SystemExit(f"bench: gunicorn exited; see {log_path}:\n{tail(log_path)}")
            with contextlib.suppress(OSError):
                if fetch(base + FLOOR_PATH).status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: gunicorn did not answer; see {log_path}")
            time.sleep(0.3)
        yield base, command
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- Single requests ----------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None, data: bytes | None = None) -> Response:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    started = time.perf_counter()
    try:
        with OPENER.open(request, timeout=300) as answer:
            body = answer.read()
            status, got = answer.status, answer.headers
    except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
        body = error.read()
        status, got = error.code, error.headers
    except OSError as error:  # refused, reset, timed out: status 0, the reason as the body
        body, status, got = str(error).encode(), 0, {}
    return Response(
        status, {k.lower(): v for k, v in got.items()}, body, time.perf_counter() - started
    )


class Requests:
    """How each page is asked for: anonymous or signed in, GET or the vote POST."""

    def __init__(self, base: str, reader: str, voters: list[dict], gzip: bool) -> None:
        self.base, self.reader, self.voters, self.gzip = base, reader, voters, gzip
        self.votes_sent = 0

    def get(self, page: Page, *, gzip: bool | None = None) -> Response:
        headers = {}
        if self.gzip if gzip is None else gzip:
            headers["Accept-Encoding"] = "gzip"
        if page.htmx:
            headers["HX-Request"] = "true"
        if page.method != "POST":
            if page.signed_in:
                headers["Cookie"] = f"sessionid={self.reader}"
            return fetch(self.base + page.path, headers)
        index = self.votes_sent % len(self.voters)
        self.votes_sent += 1
        voter = self.voters[index]
        choice = next_choices([voter])[0]
        headers.update(
            {
                "Cookie": f"sessionid={voter['session']}; csrftoken={voter['token']}",
                "X-CSRFToken": voter["token"],
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.base,
                "Referer": self.base + page.path.replace("vote/", ""),
            }
        )
        return fetch(self.base + page.path, headers, f"choice={choice}".encode())
