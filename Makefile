# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# `make run` serves like production (debug off, gunicorn, whitenoise, manifest static files)
# but over plain HTTP on 127.0.0.1: DJANGO_LOCAL_HTTP=1 turns off only the HTTPS redirect,
# secure-only cookies and HSTS, and is refused for any host but the local machine.
# Emails link to SITE_URL, here the port gunicorn serves on: without it, settings derive it
# from PORT (outsourcing/local.py), but honcho hands the worker PORT+100, not the web's port.
RUN_ENV := DJANGO_LOCAL_HTTP=1 SITE_URL=http://127.0.0.1:$(PORT) \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

.PHONY: run dev test lint format install lock migrate seed superuser check-deploy clean

# Installs come from requirements.lock: every package, the dev extra's too, pinned with its
# hashes (`make lock` writes it from pyproject.toml's ranges); then the project, without deps.
# `pip check` stops a pyproject.toml that asks for more than the lock holds.
# XStatic-Bootstrap's sdist imports pkg_resources while building, which newer setuptools
# dropped: build-constraints.txt pins the build-time setuptools (needs pip >= 25.3).
LOCK := requirements.lock
UV_VERSION := 0.13.8

$(STAMP): $(LOCK) pyproject.toml build-constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"
	$(BIN)/python -m pip install --quiet --require-hashes \
		--build-constraint build-constraints.txt -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --build-constraint build-constraints.txt -e .
	@$(BIN)/python -m pip check >/dev/null || { $(BIN)/python -m pip check; \
		echo "pyproject.toml asks for what $(LOCK) lacks: run 'make lock'." >&2; exit 1; }
	touch $(STAMP)

install: $(STAMP)

# Rewrite the lock for Python 3.11 on Linux with uv (installed into the venv on demand),
# keeping the current pins where pyproject.toml allows them; UPGRADE=1 takes the newest.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --quiet \
		--python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
		--build-constraints build-constraints.txt $(if $(UPGRADE),--upgrade) \
		--custom-compile-command "make lock" --output-file $(LOCK)

# The secret key is made once and kept (it signs sessions and password-reset links).
.secret_key: | $(STAMP)
	$(BIN)/python -m outsourcing.local secret-key

# collectstatic only when a static file or the installed packages changed.
staticfiles/staticfiles.json: $(STAMP) .secret_key outsourcing/settings.py \
		$(shell find static -type f 2>/dev/null)
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0

# Gunicorn and the job worker (Procfile) in the foreground under honcho: Ctrl-C stops both.
# Gunicorn's sizes are in outsourcing/gunicorn.conf.py; the worker prints the console mail.
run: $(STAMP) .secret_key staticfiles/staticfiles.json
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_cases
	$(RUN_ENV) $(BIN)/python manage.py recount_votes
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_dev_superuser
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(RUN_ENV) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" PYTHONUNBUFFERED=1 \
		exec $(BIN)/honcho start

# For developers: Django's runserver with debug and autoreload. No job worker: in debug, jobs
# (mail) run at once inside the request (HUEY_IMMEDIATE, outsourcing/settings.py), and link
# to this port (PORT).
dev: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_cases
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_dev_superuser
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	DJANGO_DEBUG=1 PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

superuser: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser

# What production must pass: debug off, a real key, HTTPS settings on.
check-deploy: $(STAMP)
	DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-value-for-the-check \
	DJANGO_ALLOWED_HOSTS=example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) staticfiles .test-db-*.sqlite3*

# The benchmark (bench/README.md): load data, gunicorn, wrk against a 20-row floor page.
# BENCH_QUICK=1 for a smoke test; DATABASE_URL=postgres://… for PostgreSQL.
.PHONY: bench
bench: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py

# The MDN HTTP Observatory's scanner against a local TLS gunicorn with production settings
# (scripts/observatory.sh: needs ports 80 and 443, so root); fails unless the grade is A+.
.PHONY: observatory
observatory: $(STAMP)
	bash scripts/observatory.sh

# The Nu Html Checker and Lighthouse on the public pages (scripts/audit.sh): a temporary
# production-like server with the seed cases, or AUDIT_URL=http://… for one that runs. Not in CI.
.PHONY: audit
audit: $(STAMP)
	bash scripts/audit.sh
