"""Cases as JSON through the import_cases and export_cases management commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from tests.factories import CaseFactory, SourceFactory
from tests.helpers_importing import cases_file, good_case, snapshot, wipe


def run(command: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


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
