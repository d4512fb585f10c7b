"""The address emails link to (SITE_URL) follows the port the site serves on (PORT) unless it
is set explicitly: `PORT=8765 make run` must not mail links to :8000."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from outsourcing.local import site_url


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": ""}, "http://127.0.0.1:8000"),
        ({"PORT": "8765"}, "http://127.0.0.1:8765"),
        ({"PORT": " 8765 "}, "http://127.0.0.1:8765"),
        (
            {"PORT": "8765", "SITE_URL": "https://verdicts.example.org"},
            "https://verdicts.example.org",
        ),
        ({"SITE_URL": "https://verdicts.example.org"}, "https://verdicts.example.org"),
        ({"PORT": "8765", "SITE_URL": ""}, "http://127.0.0.1:8765"),
    ],
)
def test_site_url_is_explicit_or_follows_the_port(env, expected):
    assert site_url(env) == expected


def test_a_port_that_is_not_a_number_is_refused():
    with pytest.raises(ImproperlyConfigured, match="PORT must be a port number"):
        site_url({"PORT": "eighty"})


def settings_site_url(**env) -> str:
    """SITE_URL as the settings compute it in a fresh interpreter with `env`."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PORT", "SITE_URL"} and not name.startswith("DJANGO_")
    }
    clean.update(DJANGO_DEBUG="1", **env)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, outsourcing.settings as s; print(json.dumps(s.SITE_URL))",
        ],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_settings_derive_site_url_from_port():
    assert settings_site_url(PORT="8765") == "http://127.0.0.1:8765"
    assert settings_site_url() == "http://127.0.0.1:8000"
    assert settings_site_url(PORT="8765", SITE_URL="https://a.example") == "https://a.example"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("target", ["run", "dev"])
def test_make_serves_and_links_to_the_same_port(target):
    """`make -n` prints the commands without running them."""
    env = {**os.environ, "PORT": "8765"}
    env.pop("SITE_URL", None)
    result = subprocess.run(
        ["make", "-n", target],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout.replace("\\\n", " ").splitlines()  # continued lines joined
    serve = [line for line in commands if "honcho" in line or "runserver" in line]
    assert serve, result.stdout
    assert "PORT=8765" in serve[-1]
    if target == "run":  # the worker's PORT is honcho's +100: the web's address is given
        assert "SITE_URL=http://127.0.0.1:8765" in result.stdout
    else:
        assert "runserver 127.0.0.1:8765" in serve[-1]
