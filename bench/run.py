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

The parts: bench/config.py (pages, settings), bench/server.py (database, gunicorn, single
requests), bench/wrk.py (load runs), bench/measure.py (the run), bench/report.py (JSON, tables).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from pathlib import Path

# `python bench/run.py` puts bench/ itself first on sys.path; put the project there instead, so
# that the modules here are imported as the package `bench` and shadow nothing.
if not __package__:
    _here = str(Path(__file__).resolve().parent)
    if _here in sys.path:
        sys.path.remove(_here)
    sys.path.insert(0, str(Path(_here).parent))

from bench.config import README, ROOT, Config, say
from bench.measure import measure
from bench.report import markdown_table, update_readme_tables, write_result
from bench.server import (
    child_env,
    close_connections,
    database_url,
    load_data_present,
    manage,
    setup_django,
)


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
            "--camps", "3",
            capture=True,
        )  # fmt: skip
        timings = re.search(r"^Timings: (.*)$", output, re.MULTILINE)
        seed = {
            "seconds": round(time.monotonic() - started, 1),
            "timings": timings.group(1) if timings else "",
        }
    # The opinion groups (and the comments' bridging scores) as the nightly job makes them.
    manage(env, "compute_opinion_groups", capture=True)
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")

    result = measure(config, env, database, seed)
    path = write_result(result, database, config.quick)
    say("")
    say(markdown_table(result))
    say(f"\nbench: results in {path.relative_to(ROOT)}")
    if not config.quick:
        update_readme_tables()
        say(f"bench: tables updated in {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
