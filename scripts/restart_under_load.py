"""PostgreSQL restart under load (issue 9): 8 members post 30 comments each to a running server,
every comment retried with its form's idempotency token until it is answered 302, while
PostgreSQL restarts. Prints the answers and checks that exactly 240 comments were stored.

Run from the project root with the server's environment (the same DATABASE_URL on PostgreSQL,
secret key and REDIS_URL), the server on 127.0.0.1:$PORT with DJANGO_RATE_LIMITS=0, as root
(it calls pg_ctlcluster): PORT=8797 .venv/bin/python scripts/restart_under_load.py
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

PORT = int(os.environ.get("PORT", "8797"))
MEMBERS, PER_MEMBER = 8, 30
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def request(member: dict, method: str, path: str, body: str | None = None):
    cookies = f"sessionid={member['session']}"
    if member["csrf"]:
        cookies += f"; csrftoken={member['csrf']}"
    origin = f"http://127.0.0.1:{PORT}"
    headers = {"Cookie": cookies, "Origin": origin, "Referer": origin + path}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie(header)
            if "csrftoken" in jar:
                member["csrf"] = jar["csrftoken"].value
        return response.status, text
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__, ""
    finally:
        connection.close()


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsourcing.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from cases.models import Case, Comment
    from tests.factories import CaseFactory

    case = Case.objects.filter(slug="restart-case").first() or CaseFactory(slug="restart-case")
    members = []
    for number in range(MEMBERS):
        user, _ = User.objects.get_or_create(
            username=f"restart-{number}", defaults={"email": f"restart-{number}@example.org"}
        )
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        members.append({"session": session, "csrf": None, "token": None})
    for member in members:
        _, text = request(member, "GET", case.get_absolute_url())
        member["token"] = TOKEN.search(text).group(1)
    before = Comment.objects.filter(case=case).count()
    connection.close()

    answers: dict = {}
    lock = threading.Lock()

    def work(index: int) -> None:
        member = members[index]
        for number in range(PER_MEMBER):
            form = {
                "body": f"member {index} point {number}",
                "token": str(uuid.uuid4()),
                "csrfmiddlewaretoken": member["token"],
            }
            body = urllib.parse.urlencode(form)
            for _ in range(60):  # the same form again until it is answered
                status, _ = request(member, "POST", f"{case.get_absolute_url()}comments/", body)
                with lock:
                    answers[status] = answers.get(status, 0) + 1
                if status == 302:
                    break
                time.sleep(0.5)

    threads = [threading.Thread(target=work, args=(index,)) for index in range(MEMBERS)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.time()
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
    subprocess.run(command, check=True)
    print(f"PostgreSQL restarted in {time.time() - started:.1f} s")
    for thread in threads:
        thread.join()

    after = Comment.objects.filter(case=case).count()
    case.refresh_from_db()
    print("answers:", answers)
    print(f"comments stored: {after - before} (expected {MEMBERS * PER_MEMBER})")
    print(f"the case's stored comment count: {case.comment_count}; rows: {after}")
    return 0 if after - before == MEMBERS * PER_MEMBER and case.comment_count == after else 1


if __name__ == "__main__":
    sys.exit(main())
