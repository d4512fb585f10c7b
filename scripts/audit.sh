#!/usr/bin/env bash
# Audits the public pages as a browser and a search engine get them: the Nu Html Checker (the
# W3C's validator, npm `vnu-jar`, needs Java) on their HTML, and Lighthouse (performance,
# accessibility, best practices, SEO) in Debian's Chromium. Not part of CI (`make test` has the
# axe-core scan, tests/test_browser_axe.py); run it before a release:
#
#   make audit                                  (or: bash scripts/audit.sh)
#   AUDIT_URL=http://127.0.0.1:8000 make audit  (a server that already runs, e.g. `make run`)
#
# 1. Installs Node/npm, Java and Chromium from Debian when missing, and the pinned npm packages
#    into ~/.cache/outsourcing-audit (AUDIT_CACHE), outside the repository.
# 2. Without AUDIT_URL, serves the site as `make run` does (gunicorn, debug off, whitenoise,
#    plain HTTP on 127.0.0.1) on AUDIT_PORT (8799) from a temporary SQLite database with the
#    seed cases and one reader, and a temporary STATIC_ROOT.
# 3. Checks robots.txt and sitemap.xml, takes the first case from the sitemap, validates the
#    pages (English and German) and runs Lighthouse on the home page and that case.
# Exits 1 when the checker reports an error or a Lighthouse category scores under 0.9 (except
# performance, which depends on the machine: shown only).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}
CACHE=${AUDIT_CACHE:-$HOME/.cache/outsourcing-audit}
VNU_VERSION=26.9.27
LIGHTHOUSE_VERSION=12.8.2  # 13 needs Node 22; Debian 12 has 20
PORT=${AUDIT_PORT:-8799}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'audit: %s\n' "$*" >&2; exit 2; }

# --- 1. Tools ---------------------------------------------------------------------------------
missing=()
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
command -v java >/dev/null || missing+=(default-jre-headless)
[ -x "$CHROME_PATH" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    log "Installing Debian's ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
version_of() {
    node -p "require('$CACHE/node_modules/$1/package.json').version" 2>/dev/null || true
}
if [ "$(version_of vnu-jar)" != "$VNU_VERSION" ] ||
    [ "$(version_of lighthouse)" != "$LIGHTHOUSE_VERSION" ]; then
    log "Installing vnu-jar@$VNU_VERSION and lighthouse@$LIGHTHOUSE_VERSION into $CACHE"
    mkdir -p "$CACHE"
    [ -f "$CACHE/package.json" ] || echo '{"private": true}' >"$CACHE/package.json"
    npm install --prefix "$CACHE" --save-exact --ignore-scripts --no-audit --no-fund \
        --loglevel=error "vnu-jar@$VNU_VERSION" "lighthouse@$LIGHTHOUSE_VERSION"
fi
VNU_JAR=$CACHE/node_modules/vnu-jar/build/dist/vnu.jar
LIGHTHOUSE=$CACHE/node_modules/.bin/lighthouse

# --- 2. The site --------------------------------------------------------------------------------
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
if [ -n "${AUDIT_URL:-}" ]; then
    BASE=${AUDIT_URL%/}
else
    BASE=http://127.0.0.1:$PORT
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
        die "port $PORT is taken (AUDIT_PORT=… for another, or AUDIT_URL=… to audit that server)"
    fi
    cat >"$WORK/audit_settings.py" <<EOF
from outsourcing.settings import *  # noqa: F403

STATIC_ROOT = "$WORK/static"
EOF
    export PYTHONPATH="$WORK:$ROOT" DJANGO_SETTINGS_MODULE=audit_settings
    export DJANGO_SECRET_KEY="audit-$(openssl rand -hex 32)" DJANGO_DEBUG=0 DJANGO_LOCAL_HTTP=1
    export DATABASE_URL="sqlite:///$WORK/db.sqlite3" HUEY_FILE="$WORK/huey.sqlite3"
    export SITE_URL=$BASE DJANGO_ALLOWED_HOSTS=127.0.0.1
    unset REDIS_URL || true
    cd "$ROOT"
    log "A temporary site on $BASE: migrate, collectstatic, the seed cases, a reader"
    "$PYTHON" manage.py migrate --noinput --verbosity 0
    "$PYTHON" manage.py collectstatic --noinput --verbosity 0
    "$PYTHON" manage.py seed_cases >/dev/null
    "$PYTHON" manage.py shell --no-imports -c \
        "from accounts.models import User; User.objects.create_user('reader')" >/dev/null
    GUNICORN_WORKERS=1 GUNICORN_THREADS=4 GUNICORN_ACCESS_LOG= GUNICORN_BIND=127.0.0.1:$PORT \
        "$GUNICORN" -c outsourcing/gunicorn.conf.py outsourcing.wsgi &
    PIDS+=($!)
    for _ in $(seq 60); do
        curl -fsS -o /dev/null "$BASE/" 2>/dev/null && break
        sleep 0.5
    done
fi
curl -fsS -o /dev/null "$BASE/" || die "nothing answers at $BASE/"

# --- 3. The audit -------------------------------------------------------------------------------
status=0
log "robots.txt and sitemap.xml"
curl -fsS "$BASE/robots.txt" | sed 's/^/  /'
curl -fsS "$BASE/sitemap.xml" -o "$WORK/sitemap.xml" || die "no sitemap.xml"
CASE_URL=$("$PYTHON" - "$WORK/sitemap.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
locs = [loc.text for loc in ET.parse(sys.argv[1]).getroot().findall("s:url/s:loc", ns)]
print(f"  {len(locs)} addresses in the sitemap", file=sys.stderr)
print(next((loc for loc in locs if "/cases/" in loc and "?" not in loc), ""))
EOF
)
[ -n "$CASE_URL" ] || die "the sitemap lists no case"
PROFILE=$BASE/users/${AUDIT_PROFILE:-reader}/
PAGES=("$BASE/" "$BASE/?lang=de" "$CASE_URL" "$CASE_URL?lang=de" "$BASE/rule-of-thumb/"
    "$BASE/moderation/" "$BASE/accounts/login/" "$BASE/accounts/signup/")
curl -fsS -o /dev/null "$PROFILE" && PAGES+=("$PROFILE")

# The checker refuses to fetch from this machine's addresses ("Forbidden host"): it gets files.
log "Nu Html Checker $VNU_VERSION on ${#PAGES[@]} pages and site.css"
mkdir -p "$WORK/pages"
files=()
for index in "${!PAGES[@]}"; do
    file=$WORK/pages/$(printf '%02d' "$index").html
    curl -fsS "${PAGES[$index]}" -o "$file" || die "${PAGES[$index]} did not answer 200"
    printf '  %s  %s\n' "$(basename "$file")" "${PAGES[$index]}"
    files+=("$file")
done
curl -fsS "$BASE/static/css/site.css" -o "$WORK/pages/site.css" && files+=("$WORK/pages/site.css")
if java -jar "$VNU_JAR" --format text --also-check-css "${files[@]}" 2>"$WORK/vnu.txt"; then
    echo "  no errors or warnings"
else
    sed -e "s|file:$WORK/pages/||" -e 's/^/  /' "$WORK/vnu.txt"
    grep -q 'Error' "$WORK/vnu.txt" && status=1
fi

log "Lighthouse $LIGHTHOUSE_VERSION (mobile, the default)"
for url in "$BASE/" "$CASE_URL"; do
    "$LIGHTHOUSE" "$url" --quiet --output=json --output-path="$WORK/lighthouse.json" \
        --only-categories=performance,accessibility,best-practices,seo \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu" ||
        die "Lighthouse failed on $url"
    "$PYTHON" - "$WORK/lighthouse.json" <<'EOF' || status=1
import json
import sys

report = json.load(open(sys.argv[1]))
print(f"\n  {report['finalDisplayedUrl']}")
failed = False
for category in report["categories"].values():
    score = category["score"]
    low = score is not None and score < 0.9 and category["id"] != "performance"
    failed |= low
    print(f"    {category['title']}: {score:.2f}{'  << under 0.9' if low else ''}")
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            value = audit.get("displayValue", "")
            print(f"      {audit['score']:.2f} {audit['title']}{f' ({value})' if value else ''}")
sys.exit(1 if failed else 0)
EOF
done
exit $status
