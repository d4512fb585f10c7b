"""Settings for the benchmark (bench/README.md): the site's own settings plus the floor page
`/bench/floor/` and the `X-Bench-Queries` header. Only `make bench` uses them.

Without DATABASE_URL the database is the git-ignored SQLite file bench/bench.sqlite3 (never the
development db.sqlite3); static files are collected into bench/staticfiles.
"""

import os

from outsourcing.settings import *  # noqa: F403
from outsourcing.settings import BASE_DIR, DATABASES, MIDDLEWARE

BENCH_DIR = BASE_DIR / "bench"

if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = str(BENCH_DIR / "bench.sqlite3")

ROOT_URLCONF = "outsourcing.bench_urls"
STATIC_ROOT = BENCH_DIR / "staticfiles"

# Outermost, so that it counts every query of the request and times all the middleware.
MIDDLEWARE = ["outsourcing.bench_views.BenchHeadersMiddleware", *MIDDLEWARE]

# wrk sends thousands of votes a minute from one account and one address: the write limits
# (RATE_LIMITS) would answer 429 and the benchmark would time the refusal, not the vote.
RATELIMIT_ENABLE = False
