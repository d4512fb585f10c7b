"""How the site is served: the secret key, local plain HTTP, compression, and no writes on reads."""

import gzip
import json
import os
import re
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsourcing.local import (
    INSECURE_DEVELOPMENT_KEY,
    create_secret_key_file,
    local_http,
    secret_key_from,
    secret_key_path,
)
from tests.factories import CommentFactory

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


# The secret key: the environment, else the key file, else refuse (unless debug or tests).


def test_the_environment_key_wins_over_the_file(tmp_path):
    key_file = tmp_path / ".secret_key"
    key_file.write_text("from-the-file\n")
    env = {"DJANGO_SECRET_KEY": "from-the-environment"}
    assert secret_key_from(env, key_file, allow_insecure=False) == "from-the-environment"


def test_the_key_file_is_read_when_the_environment_has_none(tmp_path):
    key_file = tmp_path / ".secret_key"
    key_file.write_text("  from-the-file\n")
    assert secret_key_from({}, key_file, allow_insecure=False) == "from-the-file"
    assert secret_key_from({"DJANGO_SECRET_KEY": ""}, key_file, allow_insecure=True) == (
        "from-the-file"
    )


@pytest.mark.parametrize("content", [None, "", "\n"])
def test_production_without_a_key_refuses_to_start(tmp_path, content):
    key_file = tmp_path / ".secret_key"
    if content is not None:
        key_file.write_text(content)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        secret_key_from({}, key_file, allow_insecure=False)


def test_debug_and_tests_fall_back_to_the_throwaway_key(tmp_path):
    key = secret_key_from({}, tmp_path / "missing", allow_insecure=True)
    assert key == INSECURE_DEVELOPMENT_KEY


def test_the_key_file_is_made_once_private_and_random(tmp_path):
    key_file = tmp_path / ".secret_key"
    assert create_secret_key_file(key_file) is True
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600

    assert create_secret_key_file(key_file) is False  # never overwritten
    assert key_file.read_text().strip() == key

    other = tmp_path / "other"
    create_secret_key_file(other)
    assert other.read_text() != key_file.read_text()


def test_the_key_file_path_can_be_moved(tmp_path):
    assert secret_key_path({}).name == ".secret_key"
    assert secret_key_path({"DJANGO_SECRET_KEY_FILE": str(tmp_path / "k")}) == tmp_path / "k"


def test_the_key_file_is_ignored_by_git():
    ignored = (settings.BASE_DIR / ".gitignore").read_text().splitlines()
    assert ".secret_key" in ignored


# DJANGO_LOCAL_HTTP: plain HTTP, only on the loopback interface.


@pytest.mark.parametrize("value", [None, "", "0", "no"])
def test_local_http_is_off_unless_asked_for(value):
    env = {} if value is None else {"DJANGO_LOCAL_HTTP": value}
    assert local_http(env, ["127.0.0.1"]) is False


def test_local_http_serves_the_loopback():
    assert local_http({"DJANGO_LOCAL_HTTP": "1"}, ["localhost", "127.0.0.1", "[::1]"]) is True


def test_local_http_is_refused_for_a_public_host():
    with pytest.raises(ImproperlyConfigured, match=r"verdicts\.example\.org"):
        local_http({"DJANGO_LOCAL_HTTP": "1"}, ["127.0.0.1", "verdicts.example.org"])


def production_settings(tmp_path, **env):
    """Import the settings in a fresh interpreter (not under pytest) with `env`."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "GUNICORN_")) and name != "DATABASE_URL"
    }
    clean["DJANGO_SECRET_KEY_FILE"] = str(tmp_path / "no-key-file")
    clean.update(env)
    names = [
        "DEBUG",
        "SECRET_KEY",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
    ]
    code = (
        "import json, outsourcing.settings as s; print(json.dumps({**{n: getattr(s, n, None) "
        f"for n in {names!r}}}, 'static': s.STORAGES['staticfiles']['BACKEND'], "
        "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "'conn_max_age': s.DATABASES['default']['CONN_MAX_AGE'], "
        "'health_checks': s.DATABASES['default']['CONN_HEALTH_CHECKS']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


def test_production_settings_are_hardened(tmp_path):
    result = production_settings(tmp_path, DJANGO_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["conn_max_age"] == 600  # SQLite keeps its connection between requests
    assert values["health_checks"] is True


def test_make_run_settings_are_production_but_plain_http(tmp_path):
    key_file = tmp_path / ".secret_key"
    create_secret_key_file(key_file)
    result = production_settings(
        tmp_path, DJANGO_LOCAL_HTTP="1", DJANGO_SECRET_KEY_FILE=str(key_file)
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == key_file.read_text().strip()
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["proxy"] is None
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_without_a_key_or_key_file_does_not_start(tmp_path):
    result = production_settings(tmp_path, DJANGO_LOCAL_HTTP="1")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


# Compression.


def test_middleware_order_compresses_every_page_but_leaves_static_files_to_whitenoise():
    order = settings.MIDDLEWARE
    gzip_at = order.index("django.middleware.gzip.GZipMiddleware")
    assert order.index("django.middleware.security.SecurityMiddleware") < gzip_at
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < gzip_at
    # Above every middleware that reads or changes the body or the Vary header.
    assert gzip_at < order.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert gzip_at < order.index("outsourcing.i18n.LocaleMiddleware")
    assert gzip_at < order.index("django.middleware.common.CommonMiddleware")


@pytest.mark.parametrize("page", ["list", "case"])
def test_pages_are_gzipped_for_browsers_that_accept_it(client, case, page):
    url = "/" if page == "list" else case.get_absolute_url()
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert case.title in html
    assert int(response["Content-Length"]) == len(response.content) < len(html.encode())


def test_pages_are_plain_without_accept_encoding(client, case):
    response = client.get(case.get_absolute_url())
    assert not response.has_header("Content-Encoding")
    assert case.title in response.content.decode()


# No write on a read.


def writes(queries):
    return [query["sql"] for query in queries if WRITE.match(query["sql"])]


@pytest.fixture
def busy_case(case, user, other_user, vote):
    """A case with votes (one the reader's own) and a comment, so that the page shows all."""
    vote(user, case, "yes")
    vote(other_user, case, "no")
    CommentFactory(case=case, author=other_user, parent=None)
    return case


@pytest.mark.parametrize("page", ["list", "case"])
def test_an_anonymous_read_writes_nothing_and_starts_no_session(client, busy_case, page):
    url = "/" if page == "list" else busy_case.get_absolute_url()
    for _ in range(3):  # the first visit, and the next ones with the CSRF cookie
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert writes(queries.captured_queries) == []
        assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("page", ["list", "case"])
def test_a_signed_in_read_writes_nothing_and_does_not_save_the_session(
    user_client, busy_case, page
):
    url = "/" if page == "list" else busy_case.get_absolute_url()
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            response = user_client.get(url)
        assert response.status_code == 200
        assert writes(queries.captured_queries) == []
        assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_write_check_sees_a_write(user_client, case):
    """The checks above can fail: a vote is a write. Its message travels in a cookie, so the
    session is not saved (a database blip then cannot turn a stored vote into a 400)."""
    with CaptureQueriesContext(connection) as queries:
        response = user_client.post(f"{case.get_absolute_url()}vote/", {"choice": "yes"})
    assert response.status_code == 302
    assert writes(queries.captured_queries)
    assert "messages" in response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert "django_session" not in " ".join(writes(queries.captured_queries))
