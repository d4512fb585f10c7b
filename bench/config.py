"""What the benchmark measures and how: the paths, the pages, and the settings from the
environment (BENCH_*, see bench/README.md)."""

from __future__ import annotations

import argparse
import os
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
README = BENCH / "README.md"
PYTHON = sys.executable
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
    Page("shifted", "list `/?sort=shifted`", "/?sort=shifted"),
    Page("search", "search `/?q=call center`", "/?q=" + urllib.parse.quote("call center")),
    Page("rule", "`/rule-of-thumb/`", "/rule-of-thumb/"),
    Page("groups", "`/groups/`", "/groups/"),
    Page("moderation", "`/moderation/`", "/moderation/"),
    Page("case50", "case, 50 comments, anonymous", "/cases/bench-50-comments/", target=1.0),
    # In German (?lang=de, outsourcing/i18n.py): the German catalogue, the translation join.
    Page("list-de", "list `/?lang=de`, German", "/?lang=de"),
    Page(
        "case50-de",
        "case, 50 comments, anonymous, German",
        "/cases/bench-50-comments/?lang=de",
    ),
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
    # The comments in the order across opinion groups (the default once groups exist).
    Page(
        "case500-bridging",
        "case, 500 comments, anonymous, `?order=bridging`",
        "/cases/bench-500-comments/?order=bridging",
    ),
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
