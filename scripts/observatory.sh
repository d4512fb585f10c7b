#!/usr/bin/env bash
# Grades the site's security headers with the MDN HTTP Observatory's own scanner, run locally
# against a production-like server on this machine. Exits non-zero unless the grade is A+.
#
#   make observatory        (or: bash scripts/observatory.sh)
#
# 1. Installs the npm package @mdn/mdn-http-observatory (pinned below) with --ignore-scripts
#    into ~/.cache/outsourcing-observatory (OBSERVATORY_CACHE), outside the repository. The
#    skipped postinstall would download Chromium's HSTS preload list into
#    conf/hsts-preload.json; the scanner only looks "localhost" up in it, so `{}` does.
# 2. Makes a throwaway self-signed certificate for localhost with openssl.
# 3. Serves the site with production settings (debug off, no DJANGO_LOCAL_HTTP: HTTPS redirect,
#    HSTS and secure cookies on) from a temporary SQLite database and STATIC_ROOT:
#    gunicorn with TLS on 127.0.0.1:443, and a plain-HTTP gunicorn on 127.0.0.1:80 whose only
#    answer is Django's redirect to https://localhost/. The scanner's command line takes a
#    host name, not a port: it always tries http://HOST/ and https://HOST/ (ports 80 and 443),
#    and grades the http -> https redirect too. So both ports must be free (run as root).
# 4. Scans https://localhost/ and prints the grade, the score and each test's result.
#
# The certificate is trusted the honest way, by giving it to Node as an extra CA
# (NODE_EXTRA_CA_CERTS): the scanner verifies TLS with rejectUnauthorized set explicitly, which
# NODE_TLS_REJECT_UNAUTHORIZED=0 does not override, and a certificate it cannot verify fails
# the HSTS and redirection tests (-20 each).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
CACHE=${OBSERVATORY_CACHE:-$HOME/.cache/outsourcing-observatory}
VERSION=${OBSERVATORY_VERSION:-1.4.8}
PACKAGE=$CACHE/node_modules/@mdn/mdn-http-observatory
HOST=localhost

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'observatory: %s\n' "$*" >&2; exit 2; }

# --- 1. Node, npm and the scanner --------------------------------------------------------
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    log "Installing Debian's nodejs and npm"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
installed=$(node -p "require('$PACKAGE/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$VERSION" ]; then
    log "Installing @mdn/mdn-http-observatory@$VERSION into $CACHE"
    mkdir -p "$CACHE"
    [ -f "$CACHE/package.json" ] || echo '{"private": true}' >"$CACHE/package.json"
    npm install --prefix "$CACHE" --ignore-scripts --no-audit --no-fund --loglevel=error \
        "@mdn/mdn-http-observatory@$VERSION"
fi
# Read by src/analyzer/hsts.js (as ../../conf/hsts-preload.json); nothing here is preloaded.
echo '{}' >"$PACKAGE/conf/hsts-preload.json"

# --- 2. A certificate for localhost ------------------------------------------------------
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
log "Self-signed certificate for $HOST"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
    -addext "subjectAltName=DNS:$HOST" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" \
    2>/dev/null

# --- 3. The site, with production settings -----------------------------------------------
for port in 80 443; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        die "port $port is taken; the scanner only knows ports 80 and 443"
    fi
done
# Production settings, but the collected static files go to the temporary folder.
cat >"$WORK/observatory_settings.py" <<EOF
from outsourcing.settings import *  # noqa: F403

STATIC_ROOT = "$WORK/static"
EOF
export PYTHONPATH="$WORK:$ROOT" DJANGO_SETTINGS_MODULE=observatory_settings
export DJANGO_SECRET_KEY="observatory-$(openssl rand -hex 32)"
export DJANGO_ALLOWED_HOSTS=$HOST DJANGO_DEBUG=0
export DATABASE_URL="sqlite:///$WORK/db.sqlite3" HUEY_FILE="$WORK/huey.sqlite3"
export DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
unset DJANGO_LOCAL_HTTP DJANGO_SECURE_SSL_REDIRECT DJANGO_HSTS_SECONDS REDIS_URL || true
cd "$ROOT"
log "migrate and collectstatic into $WORK"
"$PYTHON" manage.py migrate --noinput --verbosity 0
"$PYTHON" manage.py collectstatic --noinput --verbosity 0

log "gunicorn: https://$HOST/ (127.0.0.1:443) and http://$HOST/ (127.0.0.1:80, redirects)"
export GUNICORN_WORKERS=1 GUNICORN_THREADS=2 GUNICORN_ACCESS_LOG=
"$GUNICORN" -c outsourcing/gunicorn.conf.py --bind 127.0.0.1:443 \
    --certfile "$WORK/cert.pem" --keyfile "$WORK/key.pem" outsourcing.wsgi &
PIDS+=($!)
"$GUNICORN" -c outsourcing/gunicorn.conf.py --bind 127.0.0.1:80 outsourcing.wsgi &
PIDS+=($!)
for _ in $(seq 60); do
    if curl -fsS --cacert "$WORK/cert.pem" -o /dev/null "https://$HOST/" 2>/dev/null &&
        curl -sS -o /dev/null "http://$HOST/" 2>/dev/null; then
        break
    fi
    sleep 0.5
done
curl -fsS --cacert "$WORK/cert.pem" -o /dev/null "https://$HOST/" || die "the site did not start"

# --- 4. The scan ---------------------------------------------------------------------------
log "Scanning https://$HOST/ with the MDN HTTP Observatory $VERSION"
# src/scan.js directly: bin/wrapper.js would replace NODE_EXTRA_CA_CERTS with its own bundle.
NODE_EXTRA_CA_CERTS="$WORK/cert.pem" node "$PACKAGE/src/scan.js" "$HOST" >"$WORK/scan.json" ||
    die "the scan failed: $(cat "$WORK/scan.json")"
if [ -n "${OBSERVATORY_JSON:-}" ]; then cp "$WORK/scan.json" "$OBSERVATORY_JSON"; fi

"$PYTHON" - "$WORK/scan.json" <<'EOF'
import json
import sys

result = json.load(open(sys.argv[1]))
scan = result["scan"]
print(f"\nGrade {scan['grade']}, score {scan['score']}", end=" ")
print(f"({scan['testsPassed']} of {scan['testsQuantity']} tests passed)\n")
for name, test in sorted(result["tests"].items()):
    verdict = "pass" if test["pass"] else "FAIL"
    print(f"  {verdict}  {test['scoreModifier']:+3d}  {name}: {test['result']}")
sys.exit(0 if scan["grade"] == "A+" else 1)
EOF
