"""Small helpers for the settings: the secret key, the local plain-HTTP mode, the site's URL.

Kept apart from settings.py (which runs once, at import) so that tests can call them with any
environment, and so that `make run` can create the key file without loading Django:

    python -m outsourcing.local secret-key   # create .secret_key once (mode 0600)
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY_FILE = BASE_DIR / ".secret_key"
INSECURE_DEVELOPMENT_KEY = "django-insecure-local-development-key-never-use-in-production"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
DEFAULT_PORT = "8000"


def env_bool(name: str, default: bool = False, env: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if env is None else env).get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def secret_key_path(env: Mapping[str, str]) -> Path:
    """DJANGO_SECRET_KEY_FILE, else `.secret_key` in the project root."""
    return Path(env.get("DJANGO_SECRET_KEY_FILE") or DEFAULT_SECRET_KEY_FILE)


def secret_key_from(env: Mapping[str, str], path: Path, *, allow_insecure: bool) -> str:
    """DJANGO_SECRET_KEY if set; else the key file if it exists and is not empty; else the
    throwaway development key when allowed (debug, tests); else refuse to start."""
    key = env.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    if allow_insecure:
        return INSECURE_DEVELOPMENT_KEY
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
        f"(or a key must be in {path.name}, which `make run` creates). "
        "For development, run with DJANGO_DEBUG=1 (make dev does)."
    )


def create_secret_key_file(path: Path) -> bool:
    """Write a new random key to `path`, readable by its owner only, unless the file exists.
    Return whether it was created. Never overwrites: the key signs sessions and reset links."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secrets.token_urlsafe(50) + "\n")
    return True


def local_http(env: Mapping[str, str], allowed_hosts: Iterable[str]) -> bool:
    """DJANGO_LOCAL_HTTP=1: production settings served over plain HTTP on the loopback
    interface (`make run`), so no HTTPS redirect, secure-only cookies or HSTS. Refused when
    ALLOWED_HOSTS names anything but the local machine: a public site must use HTTPS."""
    if not env_bool("DJANGO_LOCAL_HTTP", env=env):
        return False
    public = sorted(set(allowed_hosts) - LOOPBACK_HOSTS)
    if public:
        raise ImproperlyConfigured(
            "DJANGO_LOCAL_HTTP=1 serves plain HTTP and is only for 127.0.0.1; "
            f"DJANGO_ALLOWED_HOSTS also names {', '.join(public)}."
        )
    return True


def site_url(env: Mapping[str, str]) -> str:
    """The public address that emails link to: SITE_URL when set; else this machine at the
    port the site serves on, PORT (which gunicorn.conf.py binds to, and `make run`, `make dev`
    and honcho set), 8000 when unset. So `PORT=8765 make run` and a bare
    `PORT=8765 honcho start` both mail links to :8765."""
    explicit = env.get("SITE_URL", "").strip()
    if explicit:
        return explicit
    port = env.get("PORT", "").strip() or DEFAULT_PORT
    if not port.isdigit():
        raise ImproperlyConfigured(f"PORT must be a port number, not {port!r}.")
    return f"http://127.0.0.1:{port}"


def main(argv: list[str]) -> int:
    if argv != ["secret-key"]:
        print("usage: python -m outsourcing.local secret-key", file=sys.stderr)
        return 2
    path = secret_key_path(os.environ)
    if create_secret_key_file(path):
        print(f"Created {path} (a new secret key, mode 0600; keep it out of git).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
