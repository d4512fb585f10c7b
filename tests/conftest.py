import importlib
import os
import threading

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from cases import services
from tests.factories import CaseFactory, CategoryFactory, CommentFactory, UserFactory

# Property-based tests (tests/test_fuzz.py). "ci", the default: every parametrized fuzz test
# (an endpoint and a method) draws 10 examples (the site's own views 80), about 5,700 in all,
# the same ones on every run. HYPOTHESIS_PROFILE=dev: 2 (16), random. Examples share fixtures
# (each one's writes are rolled back).
_FUZZ = {
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
}
hypothesis_settings.register_profile("ci", max_examples=10, derandomize=True, **_FUZZ)
hypothesis_settings.register_profile("dev", max_examples=2, **_FUZZ)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The browser journeys' fixtures (tests/test_browser*.py).
pytest_plugins = ["tests.browser_fixtures"]

HTMX = {"HX-Request": "true"}


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    return f"database: {'postgresql' if 'postgresql' in engine else 'sqlite'}"


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts and ends in the site's language: a German request must not leave
    German switched on for the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (the visitor's case page is cached)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_user(db):
    return UserFactory(username="bob")


@pytest.fixture
def curators_group(db):
    """The group a data migration makes; rebuilt as the migration does, because the flush
    after any transactional test (browser, concurrency) empties the auth tables."""
    migration = importlib.import_module("cases.migrations.0002_curators_group")
    group, _ = Group.objects.get_or_create(name="curators")
    wanted = [
        migration.codename(action, model)
        for model, actions in migration.CURATOR_PERMISSIONS.items()
        for action in actions
    ]
    wanted.append("view_flag")  # granted by migration 0003
    wanted += importlib.import_module(
        "cases.migrations.0011_case_translations"
    ).TRANSLATION_PERMISSIONS
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="cases", codename__in=wanted)
    )
    return group


@pytest.fixture
def curator(curators_group):
    """Staff in the `curators` group, not a superuser."""
    person = UserFactory(username="curator", is_staff=True)
    person.groups.add(curators_group)
    return person


@pytest.fixture
def staff_without_group(db):
    return UserFactory(username="staffer", is_staff=True)


@pytest.fixture
def case(db):
    return CaseFactory(slug="call-center", title="Customer care goes to a call center")


@pytest.fixture
def draft_case(db):
    return CaseFactory(slug="draft-case", title="An unpublished case", draft=True)


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def staff_client(client, staff_without_group):
    client.force_login(staff_without_group)
    return client


# --- shared by the flag tests (test_flags_*.py) ---------------------------------------------


@pytest.fixture
def comment(case, other_user):
    """Bob's comment, which Alice (`user`) and others may flag."""
    return CommentFactory(case=case, author=other_user, body="You are all *idiots*.")


# --- shared by the proposal tests (test_proposals_*.py) ---------------------------------------
# test_admin_cases.py and test_suspensions.py have a `category` and a `suspended` of their own.


@pytest.fixture
def category(db):
    return CategoryFactory(name="Customer care", slug="customer-care")


@pytest.fixture
def data(category):
    return {
        "title": "The developer who outsourced his own job",
        "decision": "Own programming work → a contractor in China",
        "summary": "A developer paid a firm in China to do his job and browsed all day.",
        "story": "He sent his **token** to China.",
        "category": category,
        "year": 2012,
        "where": "United States",
        "outcome": "",
    }


@pytest.fixture
def suspended(db):
    return UserFactory(username="spammer", suspended_permanently=True, suspension_reason="Spam")


@pytest.fixture
def vote():
    """Cast a real vote (tallies included): vote(user, case, "yes")."""

    def cast(user, case, choice):
        return services.cast_vote(user=user, case=case, choice=choice)

    return cast


def run_at_once(count, work):
    """Run work(i) in `count` threads released together; return (results, errors raised)."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as error:  # collected and asserted on by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
