#!/usr/bin/env python
"""Fifty people vote on one case at the same moment, then all change their vote at once.

Against a running site on the loopback interface, e.g. `PORT=8765 make run` in one terminal and

    .venv/bin/python scripts/concurrent_votes.py http://127.0.0.1:8765

in another, from the project root and with the same environment as the server (DATABASE_URL,
DJANGO_SECRET_KEY or the `.secret_key` file): the script creates its voters and their sessions
directly in the server's database, so the session must be signed with the server's key.

Each voter reads the case page (for the CSRF token), then all of them are released by one
barrier to open a connection and POST `choice=yes` to /cases/<slug>/vote/; then the same with
`choice=no`. Every answer must be the redirect a successful vote gives (no reset connection,
no 5xx, no "database is locked"), and the case's stored tallies must have moved by exactly the
number of voters and agree with the vote rows. Prints a summary; exit status 1 on any failure.

The voters (`voters-<run>-NN`, without a usable password) and their votes stay in the
database; use a throwaway DATABASE_URL if that matters.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Voter:
    username: str
    session: str
    csrf_cookie: str = ""
    csrf_token: str = ""


@dataclass
class Answer:
    status: int | None
    location: str
    seconds: float
    error: str = ""


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsourcing.settings")
    import django

    django.setup()


def loopback_only(base_url: str) -> urllib.parse.SplitResult:
    url = urllib.parse.urlsplit(base_url)
    if url.scheme != "http" or url.hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit(f"{base_url}: only http://127.0.0.1:PORT (the loopback) is allowed.")
    return url


def pick_case(slug: str | None):
    from cases.models import Case

    cases = Case.objects.published().filter(closed_at__isnull=True)
    case = cases.filter(slug=slug).first() if slug else cases.order_by("pk").first()
    if case is None:
        raise SystemExit(f"No open published case{f' {slug!r}' if slug else ''}: seed one first.")
    return case


def make_voters(count: int) -> list[Voter]:
    """New users, each with a signed-in session in the server's session store (what
    `Client.force_login` does), so that no password has to be hashed 2 × count times."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    run = time.strftime("%Y%m%d%H%M%S")
    voters = []
    for number in range(1, count + 1):
        username = f"voters-{run}-{number:02d}"
        user = get_user_model().objects.create_user(username, f"{username}@example.invalid")
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        voters.append(Voter(username, client.cookies[settings.SESSION_COOKIE_NAME].value))
    return voters


def request(url, method, path, voter, body=None, timeout=60.0) -> tuple[Answer, str]:
    cookies = f"sessionid={voter.session}"
    if voter.csrf_cookie:
        cookies += f"; csrftoken={voter.csrf_cookie}"
    origin = f"{url.scheme}://{url.netloc}"
    headers = {"Cookie": cookies, "Origin": origin, "Referer": origin + path}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie(header)
            if "csrftoken" in jar:
                voter.csrf_cookie = jar["csrftoken"].value
        answer = Answer(response.status, response.getheader("Location", ""), 0.0)
    except (OSError, http.client.HTTPException) as error:
        text, answer = "", Answer(None, "", 0.0, f"{type(error).__name__}: {error}")
    finally:
        connection.close()
    answer.seconds = time.perf_counter() - started
    return answer, text


def read_case_page(url, case, voter: Voter) -> str:
    """The signed-in case page: the CSRF cookie and token. Returns a problem or ''."""
    answer, text = request(url, "GET", case.get_absolute_url(), voter)
    if answer.status != 200:
        return f"GET {case.get_absolute_url()}: {answer.status or answer.error}"
    match = TOKEN.search(text)
    if not match or not voter.csrf_cookie:
        return "no CSRF token on the case page (is the session signed in?)"
    if voter.username not in text:
        return "the case page does not show the voter as signed in (another secret key?)"
    voter.csrf_token = match.group(1)
    return ""


def vote_at_once(url, case, voters: list[Voter], choice: str) -> list[Answer]:
    barrier = threading.Barrier(len(voters))
    answers: list[Answer | None] = [None] * len(voters)
    path = f"{case.get_absolute_url()}vote/"

    def run(index: int, voter: Voter) -> None:
        body = urllib.parse.urlencode({"choice": choice, "csrfmiddlewaretoken": voter.csrf_token})
        barrier.wait()
        answers[index], _ = request(url, "POST", path, voter, body=body)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(voters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [answer for answer in answers if answer is not None]


def tallies(case) -> dict[str, int]:
    case.refresh_from_db()
    return {"yes": case.votes_yes, "no": case.votes_no, "depends": case.votes_depends}


def counted(case) -> dict[str, int]:
    from cases.models import Vote

    rows = Vote.objects.filter(case=case)
    return {choice: rows.filter(choice=choice).count() for choice in ("yes", "no", "depends")}


def check_round(case, voters, choice, answers, before, expected_location) -> list[str]:
    from cases.models import Vote

    problems = []
    statuses: dict[str, int] = {}
    for answer in answers:
        key = str(answer.status) if answer.status else answer.error.split(":")[0]
        statuses[key] = statuses.get(key, 0) + 1
        if answer.status is None:
            problems.append(f"no answer: {answer.error}")
        elif answer.status != 302 or not answer.location.startswith(expected_location):
            problems.append(f"{answer.status} → {answer.location or '(no redirect)'}")
    times = sorted(answer.seconds for answer in answers)
    after = tallies(case)
    mine = Vote.objects.filter(case=case, user__username__in=[v.username for v in voters])
    chosen = mine.filter(choice=choice).count()
    print(
        f"  {choice!r}: {len(answers)} requests, statuses {statuses}; "
        f"median {statistics.median(times):.2f} s, slowest {times[-1]:.2f} s"
    )
    print(f"    tallies {before} → {after}; this run's voters on {choice!r}: {chosen}")
    if chosen != len(voters) or mine.count() != len(voters):
        problems.append(f"{chosen} of {len(voters)} voters' rows say {choice!r}")
    gained = after[choice] - before[choice]
    if gained != len(voters):
        problems.append(f"the {choice!r} tally moved by {gained}, not {len(voters)}")
    if after != counted(case):
        problems.append(f"stored tallies {after} differ from the vote rows {counted(case)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--voters", type=int, default=50)
    parser.add_argument("--case", help="slug of an open published case (default: the first)")
    args = parser.parse_args(argv)
    url = loopback_only(args.base_url.rstrip("/"))

    django_setup()
    case = pick_case(args.case)
    print(f"{args.voters} voters on {case.slug!r} at {url.geturl()}")
    voters = make_voters(args.voters)
    problems = [p for p in (read_case_page(url, case, voter) for voter in voters) if p]
    if problems:
        print(f"FAILED before voting: {problems[0]} ({len(problems)} voters)")
        return 1

    page = case.get_absolute_url()
    changed = f"{page}changed-mind/"
    for choice, location in (("yes", page), ("no", changed)):
        before = tallies(case)
        answers = vote_at_once(url, case, voters, choice)
        round_problems = check_round(case, voters, choice, answers, before, location)
        for problem in sorted(set(round_problems)):
            print(f"    FAILED: {problem} (×{round_problems.count(problem)})")
        problems += round_problems
    print("FAILED" if problems else "OK: every vote answered, tallies exact")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
