"""Cases as JSON (cases/importing.py): export, import, and what an import refuses."""

import json
from datetime import date

import pytest

from cases.importing import FORMAT, ImportFormatError, export_cases, import_cases
from cases.models import Case, Category, Source
from cases.seeding import SEED_FILE
from tests.factories import CaseFactory, CategoryFactory, SourceFactory
from tests.helpers_importing import cases_file, good_case, snapshot, wipe

# --- round trip -------------------------------------------------------------------------------


def test_export_then_import_into_empty_tables_gives_the_same_cases_as_drafts(db):
    care = CategoryFactory(slug="customer-service", name="Customer service", description="Phones")
    first = CaseFactory(
        slug="call-center",
        title="Customer care goes to a call center",
        category=care,
        where="Germany",
        outcome="Customers left.",
        search_terms="Kundenservice Callcenter",
        frequency=Case.Frequency.EVERY_DAY,
        name_on_service=True,
        customer_data_shared=False,
        rare_expertise=None,
        year=2013,
    )
    SourceFactory(
        case=first,
        title="Outsourcing – wie ich meine Kunden verkaufe",
        author="Jemand",
        published=date(2013, 2, 1),
        url="https://example.org/post",
        position=0,
    )
    SourceFactory(case=first, title="Zweite Quelle", language="en", position=1)
    CaseFactory(slug="agency", title="Social media → an agency", year=None, draft=True)
    CaseFactory(slug="archived-one", archived=True, category=care)
    before = snapshot()

    data = json.loads(json.dumps(export_cases(Case.objects.all()), ensure_ascii=False))
    wipe()
    report = import_cases(data)

    assert sorted(report.created) == sorted(before)
    assert report.skipped == [] and report.rejected == []
    assert snapshot() == before
    assert set(Case.objects.values_list("status", flat=True)) == {Case.Status.DRAFT}
    assert not Case.objects.filter(published_at__isnull=False).exists()


def test_export_is_ordered_by_slug_and_lists_only_the_categories_used(db):
    CategoryFactory(slug="unused")
    CaseFactory(slug="b-case")
    CaseFactory(slug="a-case")

    data = export_cases(Case.objects.all())

    assert data["format"] == FORMAT and data["version"] == 1
    assert [c["slug"] for c in data["cases"]] == ["a-case", "b-case"]
    assert "unused" not in [c["slug"] for c in data["categories"]]
    assert data["cases"][0]["factors"] == {
        "frequency": None,
        "name_on_service": None,
        "customer_data_shared": None,
        "rare_expertise": None,
    }


# --- good, duplicate and broken entries -------------------------------------------------------


def test_import_reports_created_skipped_and_rejected_and_leaves_nothing_partial(db):
    CaseFactory(slug="already-here")
    no_slug = good_case("", title="No slug: made from the title")
    del no_slug["slug"]
    data = cases_file(
        good_case("good-one"),
        good_case("already-here"),
        good_case("no-title", title=""),
        good_case(
            "bad-url",
            sources=[
                {"title": "fine", "url": "https://example.org"},
                {"title": "broken", "url": "not a url"},
            ],
        ),
        good_case("unknown-category", category="nowhere"),
        good_case("too-long", decision="x" * 161),
        good_case("good-one"),  # the same slug again, later in the file
        no_slug,
    )

    report = import_cases(data)

    assert report.created == ["good-one", "no-slug-made-from-the-title"]
    assert report.skipped == ["already-here", "good-one"]
    rejected = dict(report.rejected)
    assert list(rejected) == ["no-title", "bad-url", "unknown-category", "too-long"]
    assert any(r.startswith("title:") for r in rejected["no-title"])
    assert rejected["bad-url"] == ["sources[1].url: Enter a valid URL."]
    assert "nowhere" in rejected["unknown-category"][0]
    assert rejected["too-long"][0].startswith("decision: Ensure this value has at most 160")
    # Nothing of the rejected cases exists: no case, no source, no category.
    assert set(Case.objects.values_list("slug", flat=True)) == {
        "already-here",
        "good-one",
        "no-slug-made-from-the-title",
    }
    assert not Source.objects.filter(title__in=["fine", "broken"]).exists()
    assert not Category.objects.filter(slug="nowhere").exists()
    created = Case.objects.get(slug="good-one")
    assert created.status == Case.Status.DRAFT and created.published_at is None
    assert created.category.name == "Back office"
    assert [s.url for s in created.sources.all()] == ["https://example.org/lohn"]


def test_a_rejected_case_does_not_leave_its_new_category_behind(db):
    data = cases_file(good_case("broken", summary="x" * 601))

    report = import_cases(data)

    assert report.rejected == [
        ("broken", ["summary: at most 600 characters allowed (it has 601)."])
    ]
    assert not Category.objects.exists()


def test_wrong_types_and_unknown_keys_are_reasons_not_crashes(db):
    data = cases_file(
        good_case("typed", year="2015", sumary="typo", factors={"frequency": 3}),
        "not an object",
        good_case("bad-date", sources=[{"title": "t", "published": "2013-13-45"}]),
    )

    report = import_cases(data)

    rejected = dict(report.rejected)
    assert set(rejected) == {"typed", "#2", "bad-date"}
    assert "unknown key(s): sumary" in rejected["typed"]
    assert "year: must be a whole number or null" in rejected["typed"]
    assert "factors.frequency: must be a string or null" in rejected["typed"]
    assert rejected["bad-date"][0].startswith("sources[0].published:")
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "data",
    [[], {"format": "something-else", "cases": []}, {"version": 2, "cases": []}, {"cases": {}}],
)
def test_a_file_of_another_shape_is_refused_as_a_whole(db, data):
    with pytest.raises(ImportFormatError):
        import_cases(data)


def test_the_seed_file_imports(db):
    data = json.loads(SEED_FILE.read_text(encoding="utf-8"))

    report = import_cases(data)

    assert len(report.created) == len(data["cases"]) == 7
    assert report.rejected == []
    assert Category.objects.count() == len({c["category"] for c in data["cases"]})
    assert Source.objects.count() == sum(len(c["sources"]) for c in data["cases"])
    assert import_cases(data).skipped == report.created
