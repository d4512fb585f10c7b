"""Two app servers on two ports, one PostgreSQL and one Redis: what one writes, the other shows
at once, and a page cached by either is passed over by both. Runs where both services are up
(CI's PostgreSQL run); skipped elsewhere."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cases.models import Case, Vote
from tests.factories import CaseFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


def redis_is_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRESQL or not redis_is_up(), reason="needs PostgreSQL and Redis"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_servers():
    """gunicorn twice, as `make run` serves, on the test database and one Redis."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_LOCAL_HTTP": "1",
        "DJANGO_DEBUG": "",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "2",
        "GUNICORN_ACCESS_LOG": "",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    ports = [free_port(), free_port()]
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    servers = [
        subprocess.Popen(
            [gunicorn, "-c", "outsourcing/gunicorn.conf.py", "outsourcing.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            wait_until_up(url)
        yield urls
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/", timeout=5)
            return
        # Refused, reset, or still busy with its first request (a cold worker imports the
        # whole site): try again until the deadline.
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


def test_a_vote_through_one_server_shows_through_the_other_at_once(client, two_servers):
    first, second = two_servers
    case = CaseFactory(slug="two-servers", title="Two servers, one verdict")
    voter = UserFactory(username="two-servers-voter")
    client.force_login(voter)  # a session row in the shared database
    session = client.cookies[settings.SESSION_COOKIE_NAME].value

    # Both servers render the visitor's page and cache it (in the one Redis).
    for server in (first, second):
        before = urllib.request.urlopen(f"{server}/cases/two-servers/").read().decode()
        assert "No votes yet" in before

    # The vote form's page through the first server gives the CSRF cookie and token.
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}")]
    opener.open(f"{first}/cases/two-servers/")
    token = next(c.value for c in jar if c.name == settings.CSRF_COOKIE_NAME)
    request = urllib.request.Request(
        f"{first}/cases/two-servers/vote/",
        data=urllib.parse.urlencode({"choice": "no", "csrfmiddlewaretoken": token}).encode(),
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; "
            f"{settings.CSRF_COOKIE_NAME}={token}",
            "Origin": first,
        },
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 200  # followed the redirect to the "changed mind?" or case page

    assert Vote.objects.get(case=case, user=voter).choice == "no"
    # The cached page is passed over on both at once: its key carries the case's version.
    for server in (second, first):
        after = urllib.request.urlopen(f"{server}/cases/two-servers/").read().decode()
        assert "1 vote in all" in after and "No votes yet" not in after
    assert Case.objects.get(pk=case.pk).votes_no == 1
