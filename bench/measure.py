"""The run itself: the machine, single requests on the idle server, then the pages' wrk runs
interleaved with the floor's; the result as one dict (written by bench/report.py)."""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import subprocess
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from bench.config import BENCH, FLOOR_PATH, PAGES, ROOT, Config, Page, say
from bench.report import summary_line
from bench.server import Requests, close_connections, server, sessions, sizes
from bench.wrk import REPORT_LUA, wrk_run


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
