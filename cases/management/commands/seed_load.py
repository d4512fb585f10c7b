"""`manage.py seed_load`: realistic load data for the benchmark (bench/README.md), fast.

    python manage.py seed_load --cases 10000 --votes 1000000 --users 2000

Creates published cases (slugs `load-…`, plus `bench-50-comments`, `bench-500-comments` and,
with `--comments-huge N`, `bench-5000-comments`), users (`load-user-…`, `load-curator` and the
signed-in benchmark reader `bench-reader`), votes with their vote events, comment threads with
ratings and credited mind changes, and moderation-log entries; then rebuilds every stored figure
from the rows (`rebuild_all_figures`), so that `recount_votes --check` is clean. With
`--camps N` the votes carry N planted opinion camps (cases/load_camps.py), which
`compute_opinion_groups` then finds, so that /groups/ shows something real.

Votes and vote events, the bulk of the data, bypass the ORM: `executemany` on SQLite and
`COPY` on PostgreSQL (`--insert orm` uses `bulk_create` instead, for comparison). The seed cases
and anything else not made here are never touched; `--replace` deletes only what this command
made. Nothing else may write while it runs.
"""

from __future__ import annotations

import io
import os
import random
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Q

from accounts.models import User
from cases.load_camps import LoadCamps
from cases.load_judgement import add_judgement
from cases.markdown import render_markdown
from cases.models import (
    Case,
    CaseLink,
    Category,
    Comment,
    CommentVote,
    HindsightVote,
    MindChange,
    ModerationLog,
    OutcomeUpdate,
    PerspectiveTally,
    Source,
    VerdictPoint,
    VerdictReveal,
    Vote,
    VoteEvent,
)
from cases.services.recount import rebuild_all_figures

CASE_PREFIX = "load-"
USER_PREFIX = "load-user-"
CURATOR_USERNAME = "load-curator"
READER_USERNAME = "bench-reader"
# The signed-in reader's password (bench/README.md); BENCH_READER_PASSWORD overrides it.
READER_PASSWORD = "bench-reader-password"
BENCH_SLUGS = {
    "small": "bench-50-comments",
    "large": "bench-500-comments",
    "huge": "bench-5000-comments",
}
EPOCH = datetime(1970, 1, 1)  # naive UTC, what Django stores on SQLite

Y, N, D = Vote.Choice.YES.value, Vote.Choice.NO.value, Vote.Choice.DEPENDS.value
CHOICES = (Y, N, D)
PERSPECTIVES = [p.value for p in User.Perspective]

# --- The text: a few distinct stories and comment bodies, rendered once and reused. -------

SUBJECTS = [
    "A family bakery", "A regional bank", "A software start-up", "A hospital group",
    "A city council", "An online shop", "A car maker", "A university", "A law firm",
    "A logistics company", "A hotel chain", "A telecom provider", "An insurance company",
    "A charity", "A games studio", "A newspaper", "A dental practice", "A furniture maker",
    "An airline", "A utility company", "A fashion label", "A school board",
]  # fmt: skip
WORK = [
    ("customer care", "a call center", "Kundenservice Callcenter"),
    ("payroll", "an accounting firm", "Lohnabrechnung"),
    ("IT support", "a managed-service provider", "IT-Support"),
    ("recruiting", "a recruiting agency", "Personalvermittlung"),
    ("social media", "a marketing agency", "Agentur"),
    ("office cleaning", "a facility-services firm", "Reinigung"),
    ("software development", "a team in Poland", "Softwareentwicklung"),
    ("bookkeeping", "a freelancer", "Buchhaltung"),
    ("translation", "a translation agency", "Übersetzung"),
    ("data entry", "a contractor in India", "Datenerfassung"),
    ("night-time phone support", "a call center in Portugal", "Hotline Callcenter"),
    ("warehouse logistics", "a third-party logistics firm", "Lager"),
    ("market research", "a polling institute", "Marktforschung"),
    ("site security", "a guard service", "Wachdienst"),
    ("the canteen", "a catering company", "Kantine"),
    ("legal advice", "an outside law firm", "Rechtsberatung"),
]
TITLES = [
    "{subject} hands its {what} to {provider}",
    "{subject} outsources {what} to {provider}",
    "Should {subject_lower} buy {what} from {provider}?",
    "{subject} brings {what} back in-house from {provider}",
    "{subject} splits {what} between two providers",
]
PLACES = ["Germany", "Austria", "Switzerland", "Poland", "the Netherlands", "France", "Spain",
          "the UK", "Ireland", "Sweden", "the US", "Canada", ""]  # fmt: skip
DECIDERS = ["The owner", "The board", "The IT director", "The head of HR", "A new CEO",
            "The finance team", "The founders", ""]  # fmt: skip
OUTCOMES = [
    "",
    "",
    "Two years later the work came back in-house.",
    "Costs fell by a third; complaints rose.",
    "The provider was replaced after one year.",
    "It still runs this way.",
]
CATEGORIES = [
    ("load-customer-care", "Customer care and call centers"),
    ("load-it", "IT and software"),
    ("load-people", "People and payroll"),
    ("load-marketing", "Marketing and research"),
    ("load-facilities", "Facilities and logistics"),
    ("load-legal", "Legal and finance"),
]
STORIES = [
    "The firm had **fifteen** people answering the phone. Waiting times grew every winter, "
    "and the owner looked for help outside.\n\n"
    "The provider promised:\n\n- answers within two minutes\n- reports every week\n"
    "- a fixed price per call\n\nAfter six months the numbers looked good. The regulars did "
    "not: they missed the voices they knew.",
    "Nobody wanted the work, and nobody did it well. *Outsourcing it was the easy part;* "
    "writing down what the work actually was took three months.\n\n"
    "> We thought we were buying a service. We were buying a contract.\n\n"
    "In the end the contract had forty pages and the service was fine.",
    "The team was small, the backlog long. A provider offered to take the whole thing for "
    "half the price.\n\n1. The first quarter went well.\n2. The second brought the first "
    "outage nobody could explain.\n3. The third brought a new account manager.\n\n"
    "The decision is still argued about in the company.",
    "It started as a pilot for one region. The pilot was cheap, quick and quiet, so it "
    "became the rule for every region within a year.\n\nThen the provider was bought by a "
    "competitor. See the [trade press](https://example.org/report) for how that went.",
    "The owner did the numbers on a napkin: three people in-house against one invoice a "
    "month. The invoice won.\n\nWhat the napkin left out: the knowledge in those three "
    "heads, the customers who knew them by name, and the time it takes to explain a "
    "business to strangers.",
    "A short one. The work was needed **once**, it needed rare know-how, and no customer "
    "data left the house. The firm hired specialists for six weeks and said goodbye.",
]
BODIES = [
    "Made sense. Nobody can be good at everything, and this was never their core business.",
    "I worked in a place like this. The savings were real for about a year, then the "
    "**hidden costs** arrived: handovers, re-training, and customers calling twice.",
    "It depends on the contract. If the provider is paid per closed ticket, you get closed "
    "tickets, not happy customers.",
    "The question is not *whether* to outsource but *what*. Here they outsourced the part "
    "customers see, which is the part that carries their name.",
    "Did not make sense.\n\n- Customer data left the company.\n- The work was needed every "
    "day.\n- Nothing about it needed rare expertise.\n\nThree out of three against it.",
    "Agreed with the comment above, up to a point. A good provider can be better than an "
    "overworked in-house team; the trouble starts when nobody in-house can judge the work.",
    "Short answer: yes. Long answer: yes, but only because they kept one person in-house "
    "who understood what they were buying.",
    "Has anyone asked the people who did the work before? Their view is missing from the "
    "story, and I think it would change the verdict.",
]
# The share of first votes cast blind, before the voter saw any result.
BLIND_SHARE = 0.8

CONDITIONS = [
    "the price", "the contract terms", "how often the work is needed", "who sees the data",
    "the provider's track record", "whether anyone in-house can check the work",
    "how long the contract runs", "what the customers notice",
]  # fmt: skip
HIDE_REASONS = ["Off-topic", "Unkind to another reader", "Spam"]
assert not any(ch in text for text in CONDITIONS for ch in "\t\n\\")  # safe for COPY as is


class Progress:
    """A progress bar on stdout: redrawn in place on a terminal, else a line every 10 %."""

    def __init__(self, stdout, label: str, total: int) -> None:
        self.stdout, self.label, self.total = stdout, label, max(total, 1)
        self.done, self.started, self.shown = 0, time.monotonic(), -1
        self.tty = hasattr(stdout, "isatty") and stdout.isatty()

    def add(self, n: int) -> None:
        self.done += n
        step = int(self.done * (50 if self.tty else 10) / self.total)
        if step != self.shown and (self.tty or self.done < self.total):
            self.shown = step
            self._draw(final=False)

    def close(self) -> float:
        elapsed = time.monotonic() - self.started
        self._draw(final=True)
        return elapsed

    def _draw(self, *, final: bool) -> None:
        elapsed = time.monotonic() - self.started
        fraction = min(self.done / self.total, 1.0)
        bar = "#" * int(fraction * 30)
        rate = self.done / elapsed if elapsed > 0 else 0
        line = (
            f"  {self.label:<14} [{bar:<30}] {self.done:>10,}/{self.total:,} "
            f"{elapsed:6.1f} s {rate:>9,.0f}/s"
        )
        if self.tty:
            self.stdout.write("\r" + line, ending="\n" if final else "")
            self.stdout.flush()
        elif final or self.shown:
            self.stdout.write(line)


@contextmanager
def explicit_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the timestamps we give instead of `auto_now(_add)`'s now()."""
    changed = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class RowWriter:
    """Plain rows (tuples in `fields` order) into one table, the fastest way the database
    offers: COPY on PostgreSQL, executemany on SQLite, else (or `orm`) bulk_create."""

    def __init__(self, model, fields: Sequence[str], *, mode: str, batch_size: int) -> None:
        self.model, self.fields, self.batch_size = model, list(fields), batch_size
        self.table = model._meta.db_table
        self.columns = [model._meta.get_field(name).column for name in fields]
        self.mode = mode
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        if self.mode == "copy":
            text = "\n".join("\t".join(map(str, row)) for row in rows) + "\n"
            with connection.cursor() as cursor:
                raw = cursor.cursor
                sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN"
                if hasattr(raw, "copy_expert"):  # psycopg2
                    raw.copy_expert(sql, io.StringIO(text))
                else:  # psycopg 3
                    with raw.copy(sql) as copy:
                        copy.write(text)
        elif self.mode == "executemany":
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})", rows
                )
        else:
            self.model.objects.bulk_create(
                [self.model(**dict(zip(self.fields, row, strict=True))) for row in rows],
                batch_size=self.batch_size,
            )
        self.written += len(rows)
        return len(rows)


def sqlite3_version_info() -> tuple[int, ...]:
    import sqlite3

    return sqlite3.sqlite_version_info


def insert_mode(requested: str) -> str:
    if requested == "orm":
        return "orm"
    if connection.vendor == "postgresql":
        return "copy"
    if connection.vendor == "sqlite":
        return "executemany"
    return "orm"


def timestamp_formatter(mode: str) -> Callable[[float], object]:
    """Seconds since the epoch → the value the insert path wants for a DateTimeField."""
    if mode == "executemany":  # what Django's SQLite backend stores: naive UTC text
        return lambda t: (EPOCH + timedelta(seconds=t)).isoformat(" ")
    if mode == "copy":
        return lambda t: (EPOCH + timedelta(seconds=t)).isoformat(" ") + "+00"
    return lambda t: datetime.fromtimestamp(t, tz=UTC)


def spread_counts(rng: random.Random, total: int, n: int, cap: int) -> list[int]:
    """`total` votes over `n` cases, heavy-tailed (log-normal), none above `cap`."""
    if n == 0 or total == 0:
        return [0] * n
    total = min(total, n * cap)
    weights = [rng.lognormvariate(0, 1.2) for _ in range(n)]
    counts = [0] * n
    open_cases = set(range(n))
    remaining = total
    while remaining > 0 and open_cases:
        weight = sum(weights[i] for i in open_cases)
        for i in list(open_cases):
            add = min(cap - counts[i], int(remaining * weights[i] / weight))
            counts[i] += add
        remaining = total - sum(counts)
        open_cases = {i for i in open_cases if counts[i] < cap}
        if remaining and all(int(remaining * weights[i] / weight) == 0 for i in open_cases):
            for i in sorted(open_cases, key=lambda i: -weights[i])[:remaining]:
                counts[i] += 1
            remaining = total - sum(counts)
            open_cases = {i for i in open_cases if counts[i] < cap}
    return counts


class Command(BaseCommand):
    help = (
        "Create realistic load data for the benchmark (load-… cases and users, votes, vote "
        "events, comment threads with ratings), then rebuild every stored figure. Never "
        "touches the seed cases; --replace deletes only earlier load data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=10_000, help="Cases, bench-* included.")
        parser.add_argument("--votes", type=int, default=1_000_000)
        parser.add_argument("--users", type=int, default=2_000)
        parser.add_argument("--comments-small", type=int, default=50, help="On bench-50-comments.")
        parser.add_argument(
            "--comments-large", type=int, default=500, help="On bench-500-comments."
        )
        parser.add_argument(
            "--comments-huge",
            type=int,
            default=0,
            help="On bench-5000-comments (0: no such case).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same data).")
        parser.add_argument(
            "--camps",
            type=int,
            default=0,
            help="Plant this many opinion camps in the votes (cases/load_camps.py; 0: none).",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete earlier load data first."
        )
        parser.add_argument(
            "--insert",
            choices=["auto", "orm"],
            default="auto",
            help="Votes and events: COPY/executemany (auto) or bulk_create (orm).",
        )
        parser.add_argument("--batch-size", type=int, default=20_000)

    def handle(self, *args, **options) -> None:
        self.rng = random.Random(options["seed"])
        # Which first votes were cast blind (most): a stream of its own, so the rest of the
        # data stays what the same seed always made.
        self.blind_rng = random.Random(options["seed"] + 1)
        self.options = options
        self.mode = insert_mode(options["insert"])
        self.ts = timestamp_formatter(self.mode)
        self.batch_size = max(1_000, options["batch_size"])
        self.timings: dict[str, float] = {}
        comment_sizes = {
            "small": options["comments_small"],
            "large": options["comments_large"],
            "huge": options["comments_huge"],
        }
        self.comment_sizes = {
            kind: n for kind, n in comment_sizes.items() if n > 0 or kind != "huge"
        }
        if options["cases"] < len(self.comment_sizes):
            raise CommandError(f"--cases must be at least {len(self.comment_sizes)}.")
        if options["users"] < 2 or options["votes"] < 0:
            raise CommandError("--users must be at least 2 and --votes not negative.")
        if options["camps"] == 1 or options["camps"] < 0:
            raise CommandError("--camps must be 0 (none) or at least 2.")

        started = time.monotonic()
        if load_data_exists():
            if not options["replace"]:
                raise CommandError(
                    "Load data is already there (load-… cases or users, bench-… cases). "
                    "Run with --replace to delete it and load anew."
                )
            with self.phase("delete"):
                deleted = delete_load_data()
            self.stdout.write(f"  deleted earlier load data: {deleted}")

        self.stdout.write(
            f"Loading {options['cases']:,} cases, {options['votes']:,} votes, "
            f"{options['users']:,} users ({connection.vendor}, inserts: {self.mode})"
        )
        with self.fast_sqlite():
            self.now = time.time()
            with self.more_params():
                with self.phase("users"):
                    self.create_users()
                with self.phase("cases"):
                    self.create_cases()
                with self.phase("votes+events"):
                    self.create_votes()
                with self.phase("comments"):
                    self.create_comments()
                with self.phase("ratings"):
                    self.create_ratings()
                with self.phase("moderation"):
                    self.create_moderation()
            with self.phase("figures"):
                # Smaller than its default: PostgreSQL evaluates bulk_update's CASE WHEN per
                # row, so its cost grows with the batch (10,000 cases: 177 s at 2,000, 109 s
                # at 500); on SQLite Django's 999-parameter limit keeps batches smaller anyway.
                rebuild_all_figures(batch_size=500)
            with self.phase("judgement"):  # outcome, hindsight answers, links (bench cases)
                self.hindsight_total = add_judgement(
                    list(BENCH_SLUGS.values()), rng=self.blind_rng, batch_size=self.batch_size
                )
            if connection.vendor == "postgresql":
                with self.phase("analyze"), connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        total = time.monotonic() - started
        self.stdout.write(
            "Timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items())
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Load data in {total:.1f} s: {self.case_total:,} cases, {self.vote_total:,} "
                f"votes, {self.event_total:,} vote events, {len(self.users):,} users, "
                f"{self.comment_total:,} comments, {self.rating_total:,} ratings."
            )
        )

    # --- Plumbing --------------------------------------------------------------------------

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.monotonic()
        yield
        self.timings[name] = time.monotonic() - started
        self.stdout.write(f"  {name}: {self.timings[name]:.1f} s")

    @contextmanager
    def fast_sqlite(self) -> Iterator[None]:
        """SQLite without fsync and with a big page cache while loading (safe: a crash only
        loses load data, which --replace removes)."""
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MB
            cursor.execute("PRAGMA temp_store=MEMORY")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA cache_size=-2000")

    @contextmanager
    def more_params(self) -> Iterator[None]:
        """Django assumes SQLite's old limit of 999 parameters a statement; since 3.32 it is
        32,766, so bulk_create can send 30× fewer INSERTs. (Not for bulk_update: its CASE
        WHEN grows with the batch, and SQLite evaluates it row by row.)"""
        features = connection.features
        if connection.vendor == "sqlite" and sqlite3_version_info() >= (3, 32):
            features.max_query_params = 32_766
        try:
            yield
        finally:
            features.__dict__.pop("max_query_params", None)

    def when(self, seconds_ago: float) -> float:
        return self.now - seconds_ago

    # --- Users -----------------------------------------------------------------------------

    def create_users(self) -> None:
        rng, n = self.rng, self.options["users"]
        unusable = make_password(None)  # one hash for all: nobody can log in as them
        people = []
        for i in range(n):
            perspective = rng.choice(PERSPECTIVES) if rng.random() < 0.7 else ""
            people.append(
                User(
                    username=f"{USER_PREFIX}{i + 1:05d}",
                    email=f"{USER_PREFIX}{i + 1:05d}@example.invalid",
                    password=unusable,
                    perspective=perspective,
                    date_joined=datetime.fromtimestamp(
                        self.when(rng.uniform(40, 1_200) * 86_400), tz=UTC
                    ),
                )
            )
        reader = User(
            username=READER_USERNAME,
            email=f"{READER_USERNAME}@example.invalid",
            perspective=User.Perspective.EMPLOYEE,
            date_joined=datetime.fromtimestamp(self.when(400 * 86_400), tz=UTC),
        )
        reader.set_password(os.environ.get("BENCH_READER_PASSWORD") or READER_PASSWORD)
        curator = User(
            username=CURATOR_USERNAME,
            email=f"{CURATOR_USERNAME}@example.invalid",
            password=unusable,
            is_staff=True,
            date_joined=datetime.fromtimestamp(self.when(1_300 * 86_400), tz=UTC),
        )
        with transaction.atomic():
            User.objects.bulk_create([*people, reader, curator], batch_size=self.batch_size)
        rows = User.objects.filter(
            Q(username__startswith=USER_PREFIX) | Q(username=READER_USERNAME)
        ).values_list("pk", "perspective", "username")
        # Every voter, rater and commenter; the reader among them, the curator not.
        self.users = [(pk, perspective) for pk, perspective, _name in rows.order_by("pk")]
        self.reader_id = next(pk for pk, _p, name in rows if name == READER_USERNAME)
        self.curator_id = User.objects.get(username=CURATOR_USERNAME).pk

    # --- Cases -----------------------------------------------------------------------------

    def create_cases(self) -> None:
        rng, n = self.rng, self.options["cases"]
        categories = []
        for slug, name in CATEGORIES:
            if Category.objects.filter(name=name).exclude(slug=slug).exists():
                name = f"{name} (load)"
            categories.append(Category(slug=slug, name=name))
        stories = [(story, str(render_markdown(story))) for story in STORIES]
        year_span = 3 * 365 * 86_400
        n_plain = n - len(self.comment_sizes)
        cases, self.proposed = [], []
        specs = [(f"{CASE_PREFIX}{i + 1:05d}", i) for i in range(n_plain)]
        specs += [(BENCH_SLUGS[kind], None) for kind in self.comment_sizes]
        with transaction.atomic(), explicit_timestamps(Case):
            Category.objects.bulk_create(categories)
            categories = list(Category.objects.filter(slug__in=[s for s, _ in CATEGORIES]))
            for slug, index in specs:
                if index is None:  # the bench cases: recent, popular, discussed
                    published = self.when(rng.uniform(2, 20) * 86_400)
                else:  # oldest first, so ids follow publication
                    published = self.when(year_span * (1 - index / max(n_plain, 1)) + 3_600)
                    published -= rng.uniform(0, 3_600)
                cases.append(self.make_case(slug, published, categories, stories))
            for start in range(0, len(cases), self.batch_size):
                Case.objects.bulk_create(cases[start : start + self.batch_size])
        rows = Case.objects.filter(load_cases_q()).values_list("pk", "slug", "published_at")
        self.cases = [(pk, slug, at.timestamp()) for pk, slug, at in rows.order_by("pk")]
        self.case_total = len(self.cases)
        proposed_slugs = {slug for slug, _ in self.proposed}
        self.proposed = [(pk, at) for pk, slug, at in self.cases if slug in proposed_slugs]

    def make_case(self, slug, published, categories, stories) -> Case:
        rng = self.rng
        what, provider, terms = rng.choice(WORK)
        subject = rng.choice(SUBJECTS)
        title = rng.choice(TITLES).format(
            subject=subject, subject_lower=subject[0].lower() + subject[1:], what=what,
            provider=provider,
        )  # fmt: skip
        story, story_html = rng.choice(stories)
        proposer = None
        if rng.random() < 0.1:  # a reader's proposal, published by the curator
            proposer = rng.choice(self.users)[0]
            self.proposed.append((slug, published))
        at = datetime.fromtimestamp(published, tz=UTC)
        return Case(
            slug=slug,
            title=title,
            decision=f"{what[0].upper()}{what[1:]} → {provider}",
            summary=f"{subject} lets {provider} take over {what}. Did it make sense?",
            story=story,
            story_html=story_html,
            category=rng.choice(categories),
            decided_by=rng.choice(DECIDERS),
            outsourced_what=what[0].upper() + what[1:],
            provider=provider[0].upper() + provider[1:],
            year=rng.randint(2005, 2024),
            where=rng.choice(PLACES),
            outcome=rng.choice(OUTCOMES),
            search_terms=terms,
            status=Case.Status.PUBLISHED,
            published_at=at,
            proposer_id=proposer,
            submitted_at=at - timedelta(days=2) if proposer else None,
            frequency=rng.choice(["", *Case.Frequency.values]),
            name_on_service=rng.choice([None, True, False]),
            customer_data_shared=rng.choice([None, True, False]),
            rare_expertise=rng.choice([None, True, False]),
            created_at=at - timedelta(days=3),
            updated_at=at,
        )

    # --- Votes and vote events -------------------------------------------------------------

    def create_votes(self) -> None:
        rng, users = self.rng, self.users
        total, n_users = self.options["votes"], len(users)
        bench_ids = {pk for pk, slug, _at in self.cases if slug in BENCH_SLUGS.values()}
        # The discussed cases are popular: three quarters of everyone, the reader included.
        bench_n = min(int(n_users * 0.75), total // (len(bench_ids) + 1)) if total else 0
        plain = [case for case in self.cases if case[0] not in bench_ids]
        counts = dict(
            zip(
                (case[0] for case in plain),
                spread_counts(rng, total - bench_n * len(bench_ids), len(plain), n_users),
                strict=True,
            )
        )
        counts.update(dict.fromkeys(bench_ids, bench_n))
        planned = sum(counts.values())
        self.credits: list[tuple] = []  # (user, case, from, to, at) for MindChange rows
        self.camps = None
        if self.options["camps"]:
            self.camps = LoadCamps(
                n_users,
                [case_id for case_id, _slug, _at in self.cases],
                camps=self.options["camps"],
                seed=self.options["seed"],
            )
            self.stdout.write(f"  planting {self.camps.camps} opinion camps in the votes")
        ts = self.ts
        votes = RowWriter(
            Vote,
            ["user_id", "case_id", "choice", "first_choice", "previous_choice", "condition",
             "change_count", "credited_change", "blind", "foresight_choice", "created_at",
             "updated_at"],
            mode=self.mode, batch_size=self.batch_size,
        )  # fmt: skip
        events = RowWriter(
            VoteEvent,
            ["case_id", "choice", "previous_choice", "created_at"],
            mode=self.mode,
            batch_size=self.batch_size,
        )
        progress = Progress(self.stdout, "votes", planned)
        reader_index = next(i for i, (pk, _p) in enumerate(users) if pk == self.reader_id)
        with explicit_timestamps(Vote, VoteEvent):
            for chunk in self.chunked(counts, per_transaction=200_000):
                with transaction.atomic():  # a few transactions, not one huge WAL
                    for case_id, published in chunk:
                        n = counts[case_id]
                        voters = rng.sample(range(n_users), n)
                        if case_id in bench_ids and reader_index not in voters:
                            voters[0] = reader_index
                        self.vote_case(case_id, published, voters, votes, events, ts)
                        progress.add(n)
                    votes.flush()
                    events.flush()
        progress.close()
        self.vote_total, self.event_total = votes.written, events.written

    def chunked(self, counts: dict[int, int], *, per_transaction: int):
        """The cases with votes, in groups of about `per_transaction` votes."""
        chunk, in_chunk = [], 0
        for case_id, _slug, published in self.cases:
            if counts[case_id]:
                chunk.append((case_id, published))
                in_chunk += counts[case_id]
            if in_chunk >= per_transaction:
                yield chunk
                chunk, in_chunk = [], 0
        if chunk:
            yield chunk

    def vote_case(self, case_id, published, voters, votes, events, ts) -> None:
        """One case's votes: a verdict leaning its own way, perspectives apart or together,
        some voters moved, some "it depends" with a condition; events in time order."""
        rng, users, now = self.rng, self.users, self.now
        kind = rng.random()
        if kind < 0.3:
            base_yes = rng.uniform(0.65, 0.9)
        elif kind < 0.6:
            base_yes = rng.uniform(0.05, 0.25)
        else:
            base_yes = rng.uniform(0.25, 0.5)  # divided
        depends_share = rng.uniform(0.1, 0.5)
        spread = 0.4 if rng.random() < 0.3 else 0.08  # split between perspectives, or not
        bias = {p: rng.uniform(-spread, spread) for p in PERSPECTIVES}
        bias[""] = 0.0
        moved_rate = rng.uniform(0.02, 0.15)
        discussed = case_id in self.comment_case_ids()
        span = max(now - published, 60.0)
        times = sorted(published + rng.random() * span for _ in voters)
        case_events = []
        for index, first_at in zip(voters, times, strict=True):
            user_id, perspective = users[index]
            p_yes = min(max(base_yes + bias[perspective], 0.02), 0.95)
            r = rng.random()
            if r < p_yes:
                choice = Y
            elif r < p_yes + (1 - p_yes) * depends_share:
                choice = D
            else:
                choice = N
            if self.camps:
                choice = self.camps.answer(case_id, index, choice)
            first, previous, changes, credited, changed_at = choice, "", 0, 0, first_at
            if rng.random() < moved_rate:
                first = rng.choice([c for c in CHOICES if c != choice])
                previous, changes = first, 1
                changed_at = first_at + rng.random() * (now - first_at)
                if discussed and rng.random() < 0.25:
                    credited = 1
                    self.credits.append((user_id, case_id, first, choice, changed_at))
            condition = rng.choice(CONDITIONS) if choice == D and rng.random() < 0.45 else ""
            blind = self.blind_rng.random() < BLIND_SHARE
            votes.add(
                (user_id, case_id, choice, first, previous, condition, changes, credited,
                 blind, "", ts(first_at), ts(changed_at))
            )  # fmt: skip
            case_events.append((first_at, first, ""))
            if changes:
                case_events.append((changed_at, choice, first))
        case_events.sort()
        for at, choice, previous in case_events:
            events.add((case_id, choice, previous, ts(at)))

    def comment_case_ids(self) -> set[int]:
        if not hasattr(self, "_comment_case_ids"):
            slugs = {BENCH_SLUGS[kind] for kind, n in self.comment_sizes.items() if n}
            self._comment_case_ids = {pk for pk, slug, _at in self.cases if slug in slugs}
        return self._comment_case_ids

    # --- Comments, ratings, credits --------------------------------------------------------

    def create_comments(self) -> None:
        """Threads: about a third top-level, replies at depth 1 and 2, written in order."""
        rng = self.rng
        bodies = [(body, str(render_markdown(body))) for body in BODIES]
        by_slug = {slug: (pk, at) for pk, slug, at in self.cases}
        self.comments: list[tuple[int, int, float]] = []  # (id, case, created)
        self.hidden: list[tuple[int, int, str, float]] = []
        with transaction.atomic(), explicit_timestamps(Comment):
            for kind, n in self.comment_sizes.items():
                if not n:
                    continue
                case_id, published = by_slug[BENCH_SLUGS[kind]]
                self.thread(case_id, published, n, bodies)
        self.comment_total = len(self.comments)
        rng.shuffle(self.credits)

    def thread(self, case_id: int, published: float, n: int, bodies) -> None:
        rng, users, now = self.rng, self.users, self.now
        times = sorted(published + rng.random() * (now - published) for _ in range(n))
        plan = []  # (depth, parent index)
        for i in range(n):
            candidates = [j for j in range(max(0, i - 60), i) if plan[j][0] < 2]
            if i == 0 or not candidates or rng.random() < 1 / 3:
                plan.append((0, None))
            else:
                parent = rng.choice(candidates)
                plan.append((plan[parent][0] + 1, parent))
        ids: list[int | None] = [None] * n
        roots: list[int | None] = [None] * n
        for depth in (0, 1, 2):
            level = []
            for i, (d, parent) in enumerate(plan):
                if d != depth:
                    continue
                body, body_html = rng.choice(bodies)
                at = datetime.fromtimestamp(times[i], tz=UTC)
                comment = Comment(
                    case_id=case_id,
                    author_id=rng.choice(users)[0],
                    parent_id=ids[parent] if parent is not None else None,
                    root_id=(roots[parent] or ids[parent]) if parent is not None else None,
                    depth=depth,
                    body=body,
                    body_html=body_html,
                    created_at=at,
                    edited_at=at + timedelta(minutes=5) if rng.random() < 0.05 else None,
                )
                r = rng.random()
                if r < 0.02:
                    comment.hidden_at = at + timedelta(hours=3)
                    comment.hidden_by_id = self.curator_id
                    comment.hidden_reason = rng.choice(HIDE_REASONS)
                elif r < 0.04:
                    comment.deleted_at = at + timedelta(hours=1)
                level.append((i, comment))
            Comment.objects.bulk_create([c for _i, c in level], batch_size=self.batch_size)
            for i, comment in level:
                if comment.pk is None:
                    raise CommandError("The database did not return the new comments' ids.")
                ids[i] = comment.pk
                roots[i] = comment.root_id
                self.comments.append((comment.pk, case_id, times[i]))
                if comment.hidden_at:
                    self.hidden.append(
                        (comment.pk, case_id, comment.hidden_reason, comment.hidden_at)
                    )

    def create_ratings(self) -> None:
        """Ratings (convincing or not) from distinct readers, and the credited mind changes."""
        rng, users, now = self.rng, self.users, self.now
        ratings = []
        for comment_id, _case_id, created in self.comments:
            quality = rng.uniform(0.2, 0.95)
            k = min(int(rng.expovariate(1 / 8)), len(users), 80)
            for index in rng.sample(range(len(users)), k):
                ratings.append(
                    CommentVote(
                        user_id=users[index][0],
                        comment_id=comment_id,
                        value=1 if rng.random() < quality else -1,
                        created_at=datetime.fromtimestamp(
                            created + rng.random() * (now - created), tz=UTC
                        ),
                    )
                )
        by_case: dict[int, list[tuple[int, float]]] = {}
        for comment_id, case_id, created in self.comments:
            by_case.setdefault(case_id, []).append((comment_id, created))
        credits = []
        for user_id, case_id, first, choice, at in self.credits:
            earlier = [pk for pk, created in by_case.get(case_id, []) if created < at]
            credits.append(
                MindChange(
                    user_id=user_id,
                    case_id=case_id,
                    comment_id=rng.choice(earlier or [pk for pk, _c in by_case[case_id]]),
                    change_number=1,
                    from_choice=first,
                    to_choice=choice,
                    created_at=datetime.fromtimestamp(at, tz=UTC),
                )
            )
        with transaction.atomic(), explicit_timestamps(CommentVote, MindChange):
            CommentVote.objects.bulk_create(ratings, batch_size=self.batch_size)
            MindChange.objects.bulk_create(credits, batch_size=self.batch_size)
        self.rating_total = len(ratings)

    def create_moderation(self) -> None:
        """The log of what the curator did: the proposals published and the comments hidden."""
        entries = [
            ModerationLog(
                moderator_id=self.curator_id,
                moderator_name=CURATOR_USERNAME,
                action=ModerationLog.Action.PUBLISH,
                case_id=case_id,
                created_at=datetime.fromtimestamp(at, tz=UTC),
            )
            for case_id, at in self.proposed
        ]
        entries += [
            ModerationLog(
                moderator_id=self.curator_id,
                moderator_name=CURATOR_USERNAME,
                action=ModerationLog.Action.HIDE_COMMENT,
                case_id=case_id,
                comment_id=comment_id,
                reason=reason,
                created_at=at,
            )
            for comment_id, case_id, reason, at in self.hidden
        ]
        with transaction.atomic(), explicit_timestamps(ModerationLog):
            ModerationLog.objects.bulk_create(entries, batch_size=self.batch_size)


# --- Finding and deleting load data ------------------------------------------------------


def load_cases_q() -> Q:
    return Q(slug__startswith=CASE_PREFIX) | Q(slug__in=list(BENCH_SLUGS.values()))


def load_users_q() -> Q:
    return (
        Q(username__startswith=USER_PREFIX)
        | Q(username=CURATOR_USERNAME)
        | Q(username=READER_USERNAME)
    )


def load_data_exists() -> bool:
    return (
        Case.objects.filter(load_cases_q()).exists()
        or User.objects.filter(load_users_q()).exists()
        or Category.objects.filter(slug__startswith=CASE_PREFIX).exists()
    )


@transaction.atomic
def delete_load_data() -> str:
    """Everything this command made, and only that; rows of other cases and people that
    point at it are kept, their pointers set to NULL as the foreign keys say."""
    cases = Case.objects.filter(load_cases_q()).values("pk")
    users = User.objects.filter(load_users_q()).values("pk")
    counts = {}
    ModerationLog.objects.filter(moderator_name=CURATOR_USERNAME).delete()
    ModerationLog.objects.filter(case__in=cases).update(case=None)
    comments = Comment.objects.filter(case__in=cases)
    ModerationLog.objects.filter(comment__in=comments).update(comment=None)
    comments.update(parent=None, root=None)  # replies PROTECT their parents
    counts["comments"] = comments.count()
    for model in (CommentVote, MindChange):
        model.objects.filter(comment__case__in=cases).delete()
    comments.delete()
    CaseLink.objects.filter(Q(case_a__in=cases) | Q(case_b__in=cases)).delete()
    for model in (
        Vote, VoteEvent, PerspectiveTally, VerdictPoint, MindChange, Source,
        HindsightVote, OutcomeUpdate, VerdictReveal,
    ):  # fmt: skip
        deleted, _ = model.objects.filter(case__in=cases).delete()
        if model in (Vote, VoteEvent):
            counts[model._meta.verbose_name_plural] = deleted
    # Raw: Case.delete() would write a history row for each of them.
    case_rows = Case.objects.filter(load_cases_q())
    counts["cases"] = case_rows._raw_delete(case_rows.db)
    Category.objects.filter(slug__startswith=CASE_PREFIX, cases__isnull=True).delete()
    # People: their rows elsewhere cascade or go NULL as the models say.
    counts["users"] = users.count()
    User.objects.filter(load_users_q()).delete()
    return ", ".join(f"{n:,} {name}" for name, n in counts.items())
