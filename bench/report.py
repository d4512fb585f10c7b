"""The results: the console summary of each run, the JSON file, the Markdown tables (on
stdout and between the markers of bench/README.md, which `--table` rebuilds)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from bench.config import README, RESULTS

TABLE_START = "<!-- bench:results:start -->"
TABLE_END = "<!-- bench:results:end -->"


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


def write_result(result: dict, database: str, quick: bool) -> Path:
    """bench/results/<date>-<database>[-quick].json; its path."""
    RESULTS.mkdir(exist_ok=True)
    suffix = "-quick" if quick else ""
    path = RESULTS / f"{result['date']}-{database}{suffix}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return path
