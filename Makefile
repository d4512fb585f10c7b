# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

# `make run` serves like production (debug off, gunicorn, whitenoise, manifest static files)
# but over plain HTTP on 127.0.0.1: DJANGO_LOCAL_HTTP=1 turns off only the HTTPS redirect,
# secure-only cookies and HSTS, and is refused for any host but the local machine.
RUN_ENV := DJANGO_LOCAL_HTTP=1 SITE_URL=http://127.0.0.1:$(PORT) \
	DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend

.PHONY: run dev test lint format install migrate seed superuser check-deploy clean

# XStatic-Bootstrap's sdist imports pkg_resources while building, which newer setuptools
# dropped: build-constraints.txt pins the build-time setuptools (needs pip >= 25.3).
$(STAMP): pyproject.toml build-constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The secret key is made once and kept (it signs sessions and password-reset links).
.secret_key: | $(STAMP)
	$(BIN)/python -m outsourcing.local secret-key

# collectstatic only when a static file or the installed packages changed.
staticfiles/staticfiles.json: $(STAMP) .secret_key outsourcing/settings.py \
		$(shell find static -type f 2>/dev/null)
	$(RUN_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0

# Gunicorn in the foreground (Ctrl-C stops it); sizes in outsourcing/gunicorn.conf.py.
run: $(STAMP) .secret_key staticfiles/staticfiles.json
	$(RUN_ENV) $(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py seed_cases
	$(RUN_ENV) $(BIN)/python manage.py recount_votes
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_dev_superuser
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(RUN_ENV) PORT=$(PORT) exec $(BIN)/gunicorn -c outsourcing/gunicorn.conf.py outsourcing.wsgi

# For developers: Django's runserver with debug and autoreload.
dev: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_cases
	DJANGO_DEBUG=1 $(BIN)/python manage.py ensure_dev_superuser
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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
