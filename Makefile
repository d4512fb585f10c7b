# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint format install migrate seed superuser check-deploy clean

# XStatic-Bootstrap's sdist imports pkg_resources while building, which newer setuptools
# dropped: build-constraints.txt pins the build-time setuptools (needs pip >= 25.3).
$(STAMP): pyproject.toml build-constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
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
