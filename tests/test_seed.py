"""`manage.py seed_cases`: the seven first cases, loaded once, from inside the project."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.html import escape

from cases.models import Case, Category, Source

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED_COUNT = 7


def seed() -> str:
    out = StringIO()
    call_command("seed_cases", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


def test_seed_creates_seven_published_cases(seeded):
    cases = Case.objects.all()

    assert cases.count() == SEED_COUNT
    assert all(case.status == Case.Status.PUBLISHED for case in cases)
    assert all(case.published_at is not None for case in cases)


def test_seeded_cases_appear_on_the_list_page(seeded, client):
    html = client.get("/").text

    for case in Case.objects.all():
        assert case.title in html


def test_every_seeded_case_has_decision_summary_category_and_a_german_source(seeded):
    for case in Case.objects.select_related("category"):
        assert case.decision.strip(), case.slug
        assert case.summary.strip(), case.slug
        assert case.category.name, case.slug
        assert case.sources.filter(language="de").exists(), case.slug


def test_seed_creates_categories_and_sources(seeded):
    assert Category.objects.exists()
    assert Source.objects.count() >= SEED_COUNT
    assert all(source.title.strip() for source in Source.objects.all())


@pytest.mark.parametrize("index", range(SEED_COUNT))
def test_each_seeded_story_is_150_to_400_words(seeded, index):
    case = Case.objects.order_by("-published_at")[index]
    words = len(case.story.split())

    assert 150 <= words <= 400, f"{case.slug} has {words} words"


def test_seeded_case_page_shows_its_story_and_sources(seeded, client):
    case = Case.objects.order_by("-published_at").first()
    source = case.sources.first()

    response = client.get(case.get_absolute_url())

    assert response.status_code == 200
    assert case.decision in response.text
    assert escape(source.title) in response.text


def test_seed_output_says_how_many_were_created(db):
    output = seed()

    assert f"{SEED_COUNT} created" in output
    assert "0 already there" in output


def test_seeding_twice_changes_nothing(seeded):
    counts = (Case.objects.count(), Category.objects.count(), Source.objects.count())

    output = seed()

    assert (Case.objects.count(), Category.objects.count(), Source.objects.count()) == counts
    assert "0 created" in output
    assert f"{SEED_COUNT} already there" in output


def test_curators_edit_to_a_seeded_case_survives_a_second_run(seeded):
    case = Case.objects.order_by("-published_at").first()
    case.title = "A curator's better title"
    case.status = Case.Status.ARCHIVED
    case.save()
    case.sources.all().delete()

    seed()

    case.refresh_from_db()
    assert case.title == "A curator's better title"
    assert case.status == Case.Status.ARCHIVED
    assert not case.sources.exists()


def test_seed_skips_a_case_a_curator_already_made_with_the_same_slug(db):
    seed()
    slug = Case.objects.order_by("-published_at").first().slug
    Case.objects.filter(slug=slug).update(summary="Written by hand.")

    output = seed()

    assert Case.objects.get(slug=slug).summary == "Written by hand."
    assert Case.objects.filter(slug=slug).count() == 1
    assert "0 created" in output


def test_no_project_code_reads_the_shared_sources_folder():
    offenders = []
    for folder in ("cases", "accounts", "outsourcing"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "shared/sources" in text or "../shared" in text:
                offenders.append(str(path.relative_to(PROJECT_ROOT)))

    assert offenders == []


def test_seed_data_ships_inside_the_project():
    from cases import seeding

    assert seeding.SEED_FILE.is_file()
    assert PROJECT_ROOT in seeding.SEED_FILE.resolve().parents
