"""The load runs: wrk, its Lua scripts (the summary as JSON, the vote POSTs) and its output."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import time
from pathlib import Path

from bench.config import FLOOR_PATH, Config, Page
from bench.server import Requests, fetch, next_choices

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
