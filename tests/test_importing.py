"""Cases as JSON (cases/importing.py, import_cases/export_cases) and the verdicts CSV action."""

import csv
import io
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.importing import FORMAT, ImportFormatError, export_cases, import_cases
from cases.models import Case, Category, Source
from cases.seeding import SEED_FILE
from tests.factories import CaseFactory, CategoryFactory, CommentFactory, SourceFactory

CASE_FIELDS = [
    "slug",
    "title",
    "decision",
    "summary",
    "story",
    "decided_by",
    "outsourced_what",
    "provider",
    "year",
    "outcome",
    "search_terms",
    "where",
    "frequency",
    "name_on_service",
    "customer_data_shared",
    "rare_expertise",
]
SOURCE_FIELDS = ["title", "outlet", "author", "published", "language", "url", "position"]


def snapshot() -> dict:
    """Every case, its category and sources, as plain values keyed by slug."""
    result = {}
    for case in Case.objects.select_related("category").prefetch_related("sources"):
        result[case.slug] = {
            **{name: getattr(case, name) for name in CASE_FIELDS},
            "category": (case.category.slug, case.category.name, case.category.description),
            "sources": [
                {name: getattr(source, name) for name in SOURCE_FIELDS}
                for source in case.sources.all()
            ],
        }
    return result


def wipe() -> None:
    Source.objects.all().delete()
    Case.objects.all().delete()
    Category.objects.all().delete()


def good_case(slug: str, **overrides) -> dict:
    item = {
        "slug": slug,
        "title": f"The case {slug}",
        "decision": "Payroll → a service bureau",
        "summary": "A small firm stops doing its own payroll.",
        "story": "The firm had **one** person doing payroll.",
        "category": "back-office",
        "year": 2015,
        "sources": [{"title": "Lohn auslagern", "url": "https://example.org/lohn"}],
    }
    item.update(overrides)
    return item


def cases_file(*cases, categories=None) -> dict:
    return {
        "format": FORMAT,
        "version": 1,
        "categories": categories
        if categories is not None
        else [{"slug": "back-office", "name": "Back office", "description": "Payroll etc."}],
        "cases": list(cases),
    }


def run(command: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


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


# --- the commands -----------------------------------------------------------------------------


def write_json(tmp_path, data, name="cases.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_import_command_prints_a_summary(db, tmp_path):
    CaseFactory(slug="already-here")
    path = write_json(
        tmp_path,
        cases_file(good_case("good-one"), good_case("already-here"), good_case("x", title="")),
    )

    out, err = run("import_cases", path)

    assert "created   good-one" in out
    assert "skipped   already-here" in out
    assert "rejected  x:" in out
    assert "title: This field cannot be blank." in out
    assert "Import: 1 created (as drafts), 1 skipped as duplicates, 1 rejected." in out
    assert err == ""  # three cases: no progress bar


def test_import_command_refuses_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_cases", str(tmp_path / "missing.json"))


def test_import_command_refuses_invalid_json(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"cases": [', encoding="utf-8")

    with pytest.raises(CommandError, match="not valid JSON"):
        run("import_cases", str(path))


def test_import_command_refuses_another_format(db, tmp_path):
    path = write_json(tmp_path, {"format": "something-else", "cases": []})

    with pytest.raises(CommandError, match="Unknown format"):
        run("import_cases", path)


def test_import_command_shows_progress_for_a_large_file(db, tmp_path):
    path = write_json(tmp_path, cases_file(*(good_case(f"case-{n:02}") for n in range(60))))

    out, err = run("import_cases", path)

    assert "Import: 60 created" in out
    lines = err.splitlines()
    assert lines[0] == "Imported 6/60 cases"
    assert lines[-1] == "Imported 60/60 cases"
    assert len(lines) == 10
    assert Case.objects.count() == 60


def test_progress_bar_redraws_in_place_on_a_terminal(db, tmp_path):
    class Terminal(StringIO):
        def isatty(self):
            return True

    err = Terminal()
    path = write_json(tmp_path, cases_file(*(good_case(f"case-{n:02}") for n in range(25))))

    call_command("import_cases", path, stdout=StringIO(), stderr=err)

    text = err.getvalue()
    assert text.count("\r") == 25
    assert text.endswith(f"\r[{'#' * 30}] 25/25\n")


def test_export_command_writes_json_to_stdout_and_filters_by_status(db):
    CaseFactory(slug="published-one", title="Ein Fall für Zürich")
    CaseFactory(slug="draft-one", draft=True)

    everything = json.loads(run("export_cases")[0])
    published, _ = run("export_cases", "--status", "published")

    assert [c["slug"] for c in everything["cases"]] == ["draft-one", "published-one"]
    assert [c["slug"] for c in json.loads(published)["cases"]] == ["published-one"]
    assert "Ein Fall für Zürich" in published  # ensure_ascii=False
    assert '\n  "cases": [' in published  # indent=2


def test_export_output_file_imports_into_an_empty_database(db, tmp_path):
    case = CaseFactory(slug="call-center")
    SourceFactory(case=case, url="https://example.org/a")
    before = snapshot()
    target = tmp_path / "export.json"

    out, err = run("export_cases", "--output", str(target))
    wipe()
    run("import_cases", str(target))

    assert out == ""
    assert "Exported 1 case(s)" in err
    assert json.loads(target.read_text(encoding="utf-8"))["cases"][0]["slug"] == "call-center"
    assert snapshot() == before


# --- the admin CSV action ---------------------------------------------------------------------


def test_curator_exports_the_verdicts_of_the_selected_cases_as_csv(
    curator_client, vote, user, other_user
):
    case = CaseFactory(slug="call-center", title="=Customer care → a call center")
    other = CaseFactory(slug="unselected")
    draft = CaseFactory(slug="a-draft", title="Entwurf", draft=True)
    vote(user, case, "yes")
    vote(other_user, case, "depends")
    CommentFactory(case=case)
    CommentFactory(case=case)
    CommentFactory(case=case, hidden_at=timezone.now(), hidden_reason="rude")
    CommentFactory(case=case, deleted_at=timezone.now())
    CommentFactory(case=other)

    response = curator_client.post(
        "/admin/cases/case/",
        {"action": "export_verdicts_csv", "_selected_action": [str(case.pk), str(draft.pk)]},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="verdicts-{today}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == [
        "slug",
        "title",
        "status",
        "published",
        "made_sense",
        "did_not_make_sense",
        "depends",
        "total",
        "visible_comments",
    ]
    by_slug = {row[0]: row for row in rows[1:]}
    assert set(by_slug) == {"call-center", "a-draft"}
    published = timezone.localdate(case.published_at).isoformat()
    assert by_slug["call-center"] == [
        "call-center",
        "'=Customer care → a call center",
        "published",
        published,
        "1",
        "0",
        "1",
        "2",
        "2",
    ]
    assert by_slug["a-draft"] == ["a-draft", "Entwurf", "draft", "", "0", "0", "0", "0", "0"]


def test_the_csv_export_reads_the_cases_in_one_query(db, rf, curator):
    from django.contrib import admin
    from django.db import connection

    for n in range(5):
        CommentFactory(case=CaseFactory(slug=f"case-{n}"))
    request = rf.post("/admin/cases/case/")
    request.user = curator
    model_admin = admin.site._registry[Case]

    with CaptureQueriesContext(connection) as queries:
        response = model_admin.export_verdicts_csv(request, Case.objects.all())

    assert len(queries) == 1
    assert len(response.content.decode().splitlines()) == 6


def test_the_csv_action_is_offered_to_curators(curator_client, case):
    html = curator_client.get("/admin/cases/case/").text

    assert 'value="export_verdicts_csv"' in html
    assert "Export verdicts as CSV" in html
