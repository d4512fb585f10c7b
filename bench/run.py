"""The benchmark behind `make bench`: every page against a 20-row floor page, interleaved.

    .venv/bin/python bench/run.py            # load data, serve, measure, write the results
    .venv/bin/python bench/run.py --reuse    # keep the load data already in the database
    .venv/bin/python bench/run.py --table    # only rebuild the tables in bench/README.md

Steps: migrate, seed_cases and seed_load into a database of its own (SQLite bench/bench.sqlite3,
or DATABASE_URL); collectstatic; gunicorn as `make run` serves (outsourcing/gunicorn.conf.py)
with outsourcing.bench_settings on a free port of 127.0.0.1; then for each page one timed fetch
for bytes and queries, a few timed single requests, and a wrk run between two wrk runs of the
floor page `/bench/floor/`. Results: bench/results/<date>-<db>.json and a Markdown table.
Environment variables: see bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
README = BENCH / "README.md"
PYTHON = sys.executable
TABLE_START = "<!-- bench:results:start -->"
TABLE_END = "<!-- bench:results:end -->"
FLOOR_PATH = "/bench/floor/"
VOTE_CASE = "bench-50-comments"


@dataclass
class Page:
    key: str
    label: str
    path: str
    method: str = "GET"
    signed_in: bool = False
    htmx: bool = False
    target: float | None = None  # the goal, as a share of the floor's req/s


PAGES = [
    Page("list", "list `/`", "/", target=0.8),
    Page("top", "list `/?sort=top`", "/?sort=top"),
    Page("divided", "list `/?sort=divided`", "/?sort=divided"),
    Page("split", "list `/?sort=split`", "/?sort=split"),
    Page("search", "search `/?q=call center`", "/?q=" + urllib.parse.quote("call center")),
    Page("rule", "`/rule-of-thumb/`", "/rule-of-thumb/"),
    Page("moderation", "`/moderation/`", "/moderation/"),
    Page("case50", "case, 50 comments, anonymous", "/cases/bench-50-comments/", target=1.0),
    Page(
        "case50-in",
        "case, 50 comments, signed in",
        "/cases/bench-50-comments/",
        signed_in=True,
        target=0.5,
    ),
    Page("case500", "case, 500 comments, anonymous", "/cases/bench-500-comments/", target=0.5),
    Page(
        "case500-in", "case, 500 comments, signed in", "/cases/bench-500-comments/", signed_in=True
    ),
    Page("case5000", "case, 5,000 comments, anonymous", "/cases/bench-5000-comments/"),
    Page(
        "vote-htmx",
        "vote POST with htmx",
        f"/cases/{VOTE_CASE}/vote/",
        method="POST",
        signed_in=True,
        htmx=True,
        target=0.3,
    ),
    Page(
        "vote",
        "vote POST, plain",
        f"/cases/{VOTE_CASE}/vote/",
        method="POST",
        signed_in=True,
        target=0.3,
    ),
]

# wrk's summary as one JSON line (latencies in µs); the standard report is printed too.
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, '
    .. '"read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.0f, '
    .. '"p90_us": %.0f, "p99_us": %.0f, "max_us": %.0f, "mean_us": %.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""

# The vote: each wrk thread cycles through its own voters, and each voter alternates between
# two answers, starting with the one they do not hold, so that every request changes a vote.
VOTE_LUA = """
local voters = {%(voters)s}
local threads, per_thread, counter = %(threads)d, 0, 0
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  per_thread = math.floor(#voters / threads)
end

function request()
  counter = counter + 1
  local k = (counter - 1) %% per_thread
  local voter = voters[id * per_thread + k + 1]
  local round = math.floor((counter - 1) / per_thread)
  local choice = voter[3]
  if round %% 2 == 1 then choice = voter[4] end
  local headers = {
    ["Cookie"] = "sessionid=" .. voter[1] .. "; csrftoken=" .. voter[2],
    ["X-CSRFToken"] = voter[2],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Origin"] = "%(origin)s",
    ["Referer"] = "%(referer)s",
%(extra)s  }
  return wrk.format("POST", "%(path)s", headers, "choice=" .. choice)
end
"""


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


@dataclass
class Config:
    quick: bool
    reuse: bool
    cases: int
    votes: int
    users: int
    comments_huge: int
    seconds: int
    warmup: int
    samples: int
    workers: int
    threads: int
    connections: int
    wrk_threads: int
    voters: int
    gzip: bool
    pages: list[str] = field(default_factory=list)

    @classmethod
    def from_env(cls, args: argparse.Namespace) -> Config:
        quick = args.quick or env_flag("BENCH_QUICK")
        return cls(
            quick=quick,
            reuse=args.reuse or env_flag("BENCH_REUSE"),
            cases=env_int("BENCH_CASES", 60 if quick else 10_000),
            votes=env_int("BENCH_VOTES", 6_000 if quick else 1_000_000),
            users=env_int("BENCH_USERS", 100 if quick else 2_000),
            comments_huge=env_int("BENCH_COMMENTS_HUGE", 0),
            seconds=env_int("BENCH_SECONDS", 2 if quick else 10),
            warmup=env_int("BENCH_WARMUP", 1 if quick else 3),
            samples=env_int("BENCH_SAMPLES", 2 if quick else 5),
            workers=env_int("BENCH_WORKERS", 2),
            threads=env_int("BENCH_THREADS", 4),
            connections=env_int("BENCH_CONNECTIONS", 16),
            wrk_threads=env_int("BENCH_WRK_THREADS", 2),
            voters=env_int("BENCH_VOTERS", 32),
            gzip=env_flag("BENCH_GZIP", True),
            pages=[p for p in (args.pages or os.environ.get("BENCH_PAGES", "")).split(",") if p],
        )


def say(message: str) -> None:
    print(message, flush=True)


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


# --- wrk ----------------------------------------------------------------------------------


def wrk_run(
    config: Config, requests: Requests, page: Page | None, scripts: Path, seconds: int
) -> dict:
    """One wrk run against a page (None: the floor); its figures, errors included."""
    url = requests.base + (page.path if page else FLOOR_PATH)
    command = [
        "wrk", f"-t{config.wrk_threads}", f"-c{config.connections}", f"-d{seconds}s",
        "--latency", "--timeout", "60s",
    ]  # fmt: skip
    if page is not None and page.method == "POST":
        command += ["-s", str(vote_script(config, requests, page, scripts))]
    else:
        command += ["-s", str(scripts / "report.lua")]
        if config.gzip:
            command += ["-H", "Accept-Encoding: gzip"]
        if page is not None and page.signed_in:
            command += ["-H", f"Cookie: sessionid={requests.reader}"]
        if page is not None and page.htmx:
            command += ["-H", "HX-Request: true"]
    command.append(url)
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    drain(requests)
    return parse_wrk(result.stdout, result.stderr, result.returncode)


def drain(requests: Requests) -> None:
    """Wait until the server has answered what wrk left queued when it stopped (slow pages
    leave up to one request per connection), so that the next run starts on an idle server."""
    with contextlib.suppress(OSError):
        fetch(requests.base + FLOOR_PATH)
    time.sleep(0.5)


def vote_script(config: Config, requests: Requests, page: Page, scripts: Path) -> Path:
    firsts = next_choices(requests.voters)
    voters = ", ".join(
        f'{{"{v["session"]}", "{v["token"]}", "{first}", "{"no" if first == "yes" else "yes"}"}}'
        for v, first in zip(requests.voters, firsts, strict=True)
    )
    extra = ""
    if config.gzip:
        extra += '    ["Accept-Encoding"] = "gzip",\n'
    if page.htmx:
        extra += '    ["HX-Request"] = "true",\n'
    text = VOTE_LUA % {
        "voters": voters,
        "threads": config.wrk_threads,
        "origin": requests.base,
        "referer": requests.base + page.path.replace("vote/", ""),
        "path": page.path,
        "extra": extra,
    }
    path = scripts / f"{page.key}.lua"
    path.write_text(text + REPORT_LUA)
    return path


def parse_wrk(stdout: str, stderr: str, returncode: int) -> dict:
    match = re.search(r"^BENCH (\{.*\})$", stdout, re.MULTILINE)
    if not match:
        return {"error": (stderr or stdout or f"wrk exited with {returncode}").strip()[-500:]}
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6 or 1
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": int(raw["requests"]),
        "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "mean_ms": raw["mean_us"] / 1000,
        "non_2xx_3xx": int(raw["status"]),
        "socket_errors": int(errors),
        "timeouts": int(raw["timeout"]),
        "bytes_read": int(raw["bytes"]),
        "seconds": seconds,
    }


# --- The run ------------------------------------------------------------------------------


def machine_info(database: str) -> dict:
    info: dict[str, object] = {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "memory_gb": memory_gb(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": (command_output(["wrk", "-v"]).splitlines() or [""])[0],
        "git": command_output(["git", "-C", str(ROOT), "describe", "--always", "--dirty"]),
        "database": database,
    }
    import django
    from django.db import connection

    info["django"] = django.get_version()
    with contextlib.suppress(Exception):
        from importlib.metadata import version

        info["gunicorn"] = version("gunicorn")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        info["database_version"] = cursor.fetchone()[0]
    return info


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def memory_gb() -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def command_output(command: list[str]) -> str:
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except OSError:
        return ""
    return (result.stdout or result.stderr).strip()


def load_average() -> list[float]:
    with contextlib.suppress(OSError):
        return list(os.getloadavg())
    return []


def measure(config: Config, env: dict[str, str], database: str, seed: dict) -> dict:
    from cases.models import Case

    reader, voters = sessions(config)
    present = set(Case.objects.filter(slug__startswith="bench-").values_list("slug", flat=True))
    info = machine_info(database)
    data_sizes = sizes()
    close_connections()  # the server has the database to itself from here

    pages = [p for p in PAGES if not p.path.startswith("/cases/bench-") or slug_of(p) in present]
    if config.pages:
        pages = [p for p in pages if p.key in config.pages]
    log_path = BENCH / f"gunicorn-{database}.log"
    started = datetime.now(UTC)
    load_before = load_average()
    rows = []
    floors = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp,
        server(config, env, log_path) as (base, command),
    ):
        scripts = Path(tmp)
        (scripts / "report.lua").write_text(REPORT_LUA)
        requests = Requests(base, reader, voters, config.gzip)
        say(f"bench: gunicorn on {base} ({config.workers} workers × {config.threads} threads)")

        # Bytes, queries and the slowest of a few single requests, on an idle server.
        for page in pages:
            plain = requests.get(page, gzip=False)
            packed = requests.get(page, gzip=True)
            times = [requests.get(page).seconds for _ in range(config.samples)]
            rows.append(
                {
                    **asdict(page),
                    "status": plain.status,
                    "queries": int_or_none(plain.headers.get("x-bench-queries")),
                    "server_ms": float_or_none(plain.headers.get("x-bench-time")),
                    "bytes": len(plain.body),
                    "bytes_gzip": len(packed.body),
                    "gzip": packed.headers.get("content-encoding") == "gzip",
                    "single_ms": [round(t * 1000, 1) for t in times],
                }
            )
            say(
                f"  {page.key:<11} {plain.status}  {len(plain.body):>9,} B  "
                f"{len(packed.body):>8,} B gzip  {rows[-1]['queries']} queries  "
                f"slowest of {len(times)}: {max(times, default=0) * 1000:,.0f} ms"
            )

        # Load: floor, page, floor, page, …, floor.
        say(f"bench: warming up ({config.warmup} s), then {len(pages)} pages × {config.seconds} s")
        wrk_run(config, requests, None, scripts, config.warmup)
        floors.append(wrk_run(config, requests, None, scripts, config.seconds))
        for row, page in zip(rows, pages, strict=True):
            row["wrk"] = wrk_run(config, requests, page, scripts, config.seconds)
            floors.append(wrk_run(config, requests, None, scripts, config.seconds))
            before, after = floors[-2].get("rps"), floors[-1].get("rps")
            floor_rps = (
                statistics.mean([r for r in (before, after) if r]) if before or after else None
            )
            row["floor_rps"] = floor_rps
            rps = row["wrk"].get("rps")
            row["ratio"] = rps / floor_rps if rps is not None and floor_rps else None
            row["verdict"] = verdict(row["ratio"], page.target, row["wrk"])
            say(f"  {summary_line(row)}")
        server_command = command
    finished = datetime.now(UTC)

    floor_values = [f["rps"] for f in floors if f.get("rps")]
    slowest = max(rows, key=lambda r: max(r["single_ms"], default=0), default=None)
    return {
        "date": started.date().isoformat(),
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "database": database,
        "quick": config.quick,
        "machine": info,
        "load_average_before": load_before,
        "load_average_after": load_average(),
        "sizes": data_sizes,
        "requested_sizes": {
            "cases": config.cases,
            "votes": config.votes,
            "users": config.users,
            "comments_huge": config.comments_huge,
        },
        "seed_load": seed,
        "server": {
            "command": " ".join(server_command[1:]),
            "workers": config.workers,
            "threads": config.threads,
            "settings": "outsourcing.bench_settings",
        },
        "load": {
            "tool": "wrk",
            "threads": config.wrk_threads,
            "connections": config.connections,
            "seconds": config.seconds,
            "accept_encoding": "gzip" if config.gzip else "identity",
            "voters": len(voters),
        },
        "floor": {
            "path": FLOOR_PATH,
            "runs": floors,
            "rps_mean": statistics.mean(floor_values) if floor_values else None,
            "rps_min": min(floor_values, default=None),
            "rps_max": max(floor_values, default=None),
        },
        "pages": rows,
        "slowest_single": {
            "page": slowest["key"] if slowest else None,
            "ms": max(slowest["single_ms"], default=None) if slowest else None,
        },
    }


def slug_of(page: Page) -> str:
    return page.path.split("/")[2]


def int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def float_or_none(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def verdict(ratio: float | None, target: float | None, run: dict) -> str:
    if "error" in run or run.get("requests", 0) == 0:
        return "error"
    if run.get("non_2xx_3xx") or run.get("socket_errors"):
        return "errors"
    if target is None or ratio is None:
        return ""
    return "pass" if ratio >= target else "miss"


def summary_line(row: dict) -> str:
    run = row["wrk"]
    if "error" in run:
        return f"{row['key']:<11} wrk failed: {run['error']}"
    ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "—"
    target = f" (target ≥ {row['target']:.1f}: {row['verdict']})" if row["target"] else ""
    errors = ""
    if run["non_2xx_3xx"] or run["socket_errors"]:
        errors = f", {run['non_2xx_3xx']} non-2xx/3xx, {run['socket_errors']} socket errors"
    return (
        f"{row['key']:<11} {run['rps']:8.1f} req/s  p50 {run['p50_ms']:8.1f} ms  "
        f"p99 {run['p99_ms']:8.1f} ms  × floor {ratio}{target}{errors}"
    )


# --- Tables -------------------------------------------------------------------------------


def number(value, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{suffix}"


def markdown_table(result: dict) -> str:
    sizes_ = result["sizes"]
    floor = result["floor"]
    machine = result["machine"]
    load = result["load"]
    lines = [
        f"### {result['date']} · {result['database']} {machine.get('database_version', '')}"
        + (" · quick (smoke test)" if result.get("quick") else ""),
        "",
        f"{sizes_['cases']:,} published cases, {sizes_['votes']:,} votes, "
        f"{sizes_['users']:,} users; {machine['nproc']} cores ({machine['cpu']}); gunicorn "
        f"{result['server']['workers']} workers × {result['server']['threads']} threads; "
        f"`wrk -t{load['threads']} -c{load['connections']} -d{load['seconds']}s`, "
        f"Accept-Encoding {load['accept_encoding']}; floor "
        f"{number(floor['rps_mean'])} req/s (min {number(floor['rps_min'])}, "
        f"max {number(floor['rps_max'])}); load average before "
        f"{', '.join(f'{x:.1f}' for x in result.get('load_average_before', []))}; "
        f"commit `{machine.get('git', '')}`.",
        "",
        "| page | req/s | p50 ms | p99 ms | KB | KB gzip | queries | × floor | target | "
        "slowest single ms | errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|",
    ]
    for row in result["pages"]:
        run = row.get("wrk", {})
        target = ""
        if row.get("target") is not None:
            mark = {"pass": "✅ pass", "miss": "❌ miss"}.get(row["verdict"], row["verdict"])
            target = f"≥ {row['target']:.1f} {mark}"
        elif row.get("verdict") in ("error", "errors"):
            target = row["verdict"]
        errors = (run.get("non_2xx_3xx", 0) or 0) + (run.get("socket_errors", 0) or 0)
        status = "" if row.get("status") in (200, 302) else f" (HTTP {row.get('status')})"
        lines.append(
            f"| {row['label']}{status} | {number(run.get('rps'), 1)} | "
            f"{number(run.get('p50_ms'), 1)} | {number(run.get('p99_ms'), 1)} | "
            f"{number(row['bytes'] / 1024, 1)} | {number(row['bytes_gzip'] / 1024, 1)} | "
            f"{number(row.get('queries'))} | {number(row.get('ratio'), 2)} | {target} | "
            f"{number(max(row['single_ms'], default=None))} | "
            f"{errors if 'error' not in run else 'wrk failed'} |"
        )
    slowest = result.get("slowest_single") or {}
    if slowest.get("page"):
        lines += ["", f"Slowest single request: {slowest['page']}, {slowest['ms']:,.0f} ms."]
    seed = result.get("seed_load") or {}
    if seed.get("seconds"):
        lines += ["", f"`seed_load`: {seed['seconds']:,.0f} s ({seed.get('timings', '')})."]
    return "\n".join(lines)


def update_readme_tables() -> int:
    """The tables of every full (non-quick) result, newest first, between the markers."""
    results = []
    for path in sorted(RESULTS.glob("*.json"), reverse=True):
        with contextlib.suppress(ValueError, KeyError, OSError):
            result = json.loads(path.read_text())
            if not result.get("quick"):
                results.append(
                    markdown_table(result) + f"\n\nRaw figures: `bench/results/{path.name}`."
                )
    text = README.read_text()
    if TABLE_START not in text or TABLE_END not in text:
        raise SystemExit(f"bench: {README} lacks the {TABLE_START} / {TABLE_END} markers")
    body = "\n\n".join(results) or "No full run recorded yet: run `make bench`."
    head, rest = text.split(TABLE_START, 1)
    _old, tail_ = rest.split(TABLE_END, 1)
    README.write_text(f"{head}{TABLE_START}\n{body}\n{TABLE_END}{tail_}")
    return len(results)


# --- Main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table", action="store_true", help="Only rebuild bench/README.md.")
    parser.add_argument("--reuse", action="store_true", help="Keep existing load data.")
    parser.add_argument("--quick", action="store_true", help="Tiny data, 2-second runs.")
    parser.add_argument("--pages", help="Comma-separated page keys (default: all).")
    args = parser.parse_args(argv)
    if args.table:
        say(f"bench: {update_readme_tables()} result table(s) written to {README}")
        return 0
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk; make bench does)")

    config = Config.from_env(args)
    url, database = database_url(config)
    env = child_env(url)
    say(f"bench: {database} database {url.split('@')[-1]}")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    setup_django(env)
    seed: dict[str, object] = {}
    if config.reuse and load_data_present():
        say("bench: reusing the load data already there")
    else:
        close_connections()
        manage(env, "seed_cases")
        started = time.monotonic()
        output = manage(
            env,
            "seed_load",
            "--replace",
            "--cases", str(config.cases),
            "--votes", str(config.votes),
            "--users", str(config.users),
            "--comments-huge", str(config.comments_huge),
            capture=True,
        )  # fmt: skip
        timings = re.search(r"^Timings: (.*)$", output, re.MULTILINE)
        seed = {
            "seconds": round(time.monotonic() - started, 1),
            "timings": timings.group(1) if timings else "",
        }
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")

    result = measure(config, env, database, seed)
    RESULTS.mkdir(exist_ok=True)
    suffix = "-quick" if config.quick else ""
    path = RESULTS / f"{result['date']}-{database}{suffix}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    say("")
    say(markdown_table(result))
    say(f"\nbench: results in {path.relative_to(ROOT)}")
    if not config.quick:
        update_readme_tables()
        say(f"bench: tables updated in {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
