"""Open data (cases/open_data.py): /data/ describes three files that the worker builds and
stores; a request only reads what is stored, and answers 404 "not built yet" before."""

import csv
import hashlib
import io
import json
import re
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from cases import open_data, services
from cases.importing import check_format, export_cases, import_cases
from cases.models import Case, Vote
from tests.factories import CaseFactory, SourceFactory, UserFactory, VoteFactory

DOWNLOADS = {
    "cases": "/data/cases.json",
    "verdicts": "/data/verdicts.csv",
    "votes": "/data/votes.csv",
}
NOT_BUILT = "This file is not built yet"


@pytest.fixture
def exports(settings, tmp_path):
    """The files go to a fresh directory, created by the first build."""
    settings.DATA_EXPORT_DIR = tmp_path / "exports"
    return settings.DATA_EXPORT_DIR


@pytest.fixture
def world(db, curator):
    """Six published cases (the first blind), an archived one and a draft; two regular
    readers (6 and 5 votes), an occasional one (4), and one with 4 votes on published cases
    and a fifth on the archived case; an outcome update and a hindsight answer on one case."""
    cases = [CaseFactory(slug="a-blind", blind=True)] + [
        CaseFactory(slug=f"case-{n}", title=title)
        for n, title in enumerate(["-2 of 3 left", "Offshoring", "Call center", "Agency", "IT"])
    ]
    SourceFactory(case=cases[1], title="The blog post", url="https://example.org/post")
    archived = CaseFactory(slug="old-case", archived=True)
    CaseFactory(slug="a-draft", draft=True)
    regular = UserFactory(username="regular-reader", email="regular@example.org")
    second = UserFactory(username="second-reader", email="second@example.org")
    occasional = UserFactory(username="occasional-reader", email="occasional@example.org")
    almost = UserFactory(username="almost-reader", email="almost@example.org")
    answers = ["yes", "no", "depends", "yes", "no", "depends"]
    for case, choice in zip(cases, answers, strict=True):
        services.cast_vote(user=regular, case=case, choice=choice)
    for case in cases[:5]:
        services.cast_vote(user=second, case=case, choice="no")
    for case in cases[2:]:
        services.cast_vote(user=occasional, case=case, choice="yes")
        services.cast_vote(user=almost, case=case, choice="depends")
    VoteFactory(user=almost, case=archived, choice="yes")
    services.add_outcome_update(
        moderator=curator,
        case=cases[2],
        happened_on=date(2024, 5, 1),
        text="They brought the work back in-house.",
        source_title="A follow-up",
        language="en",
    )
    services.cast_hindsight_vote(user=regular, case=cases[2], choice="no")
    return {"cases": cases, "regular": regular, "second": second}


def build():
    call_command("build_open_data", stdout=io.StringIO())


def read_csv(name: str) -> list[dict]:
    path = open_data.export_path(open_data.EXPORTS_BY_NAME[name])
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


# --- the page and the downloads ---------------------------------------------------------------


def test_before_the_first_build_the_page_says_so_and_downloads_are_404(client, exports, world):
    page = client.get("/data/")

    assert page.status_code == 200
    assert page.text.count("Not built yet") == 3
    assert "/data/votes.csv" not in page.text
    for url in DOWNLOADS.values():
        response = client.get(url)
        assert response.status_code == 404
        assert NOT_BUILT in response.text
        assert 'href="/data/"' in response.text
    assert not exports.exists()


def test_after_a_build_the_page_lists_the_three_files_with_their_sizes(client, exports, world):
    build()

    page = client.get("/data/").text

    assert "Not built yet" not in page
    for name, url in DOWNLOADS.items():
        size = (exports / url.rpartition("/")[2]).stat().st_size
        assert f'href="{url}"' in page
        assert f"Download ({url[-4:].upper().strip('.')}, {filesizeformat(size)})" in page, name
    assert page.count("Last built on") == 3
    assert "CC BY 4.0" in page
    assert "CC0 1.0" in page
    assert "<code>blind_yes</code>" in page


def test_a_download_serves_the_stored_file_as_an_attachment(client, exports, world):
    build()
    today = timezone.now().date().isoformat()

    for name, url in DOWNLOADS.items():
        response = client.get(url)
        assert response.status_code == 200
        suffix = url.rpartition(".")[2]
        assert response["Content-Disposition"] == (
            f'attachment; filename="outsourcing-verdicts-{name}-{today}.{suffix}"'
        )
        body = b"".join(response.streaming_content)
        assert body == (exports / url.rpartition("/")[2]).read_bytes()
    assert client.get(DOWNLOADS["votes"])["Content-Type"] == "text/csv; charset=utf-8"
    assert client.get(DOWNLOADS["cases"])["Content-Type"] == "application/json"
    assert client.post(DOWNLOADS["votes"]).status_code == 405
    assert client.post("/data/").status_code == 405


def test_no_request_builds_a_file(client, exports, world, monkeypatch):
    def refuse_to_build(*args, **kwargs):
        raise AssertionError("a request built an export")

    for name in ("build_exports", "write_cases_json", "write_verdicts_csv", "write_vote_matrix"):
        monkeypatch.setattr(open_data, name, refuse_to_build)
    monkeypatch.setattr(open_data, "_write_atomically", refuse_to_build)

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/data/").status_code == 200
        for url in DOWNLOADS.values():
            assert client.get(url).status_code == 404
    assert not exports.exists()
    assert not any("cases_vote" in query["sql"] for query in queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_page_costs_the_same_at_two_sizes(
    client, exports, world, django_assert_num_queries, signed_in
):
    if signed_in:
        client.force_login(world["second"])
    build()
    client.get("/data/")  # the session is cached after the first request
    # the signed-in person and their unread notifications (the header); the session is cached
    expected = 2 if signed_in else 0
    with django_assert_num_queries(expected):
        small = client.get("/data/").text

    readers = [UserFactory(username=f"more-{n}") for n in range(6)]
    for case in [CaseFactory(slug=f"more-{n}") for n in range(8)]:
        for reader in readers:
            services.cast_vote(user=reader, case=case, choice="yes")
    build()
    with django_assert_num_queries(expected):
        large = client.get("/data/").text
    assert small != large  # the sizes grew


def test_the_footer_links_the_page(client, db):
    assert '<a href="/data/">Open data</a>' in client.get("/").text


# --- the vote matrix --------------------------------------------------------------------------


def test_the_vote_matrix_leaves_out_readers_below_five_votes_and_names_nobody(exports, world):
    build()
    rows = read_csv("votes")
    text = open_data.export_path(open_data.VOTES).read_text(encoding="utf-8")

    assert text.splitlines()[0] == "reader,case,answer,blind,date"
    per_reader = {}
    for row in rows:
        per_reader.setdefault(row["reader"], []).append(row)
    # The regular readers only: not the occasional one, nor the one whose fifth vote is on
    # an archived case.
    assert sorted(len(votes) for votes in per_reader.values()) == [5, 6]
    assert "old-case" not in text and "a-draft" not in text
    for person in UserFactory._meta.model.objects.all():
        assert person.username not in text
        assert person.email not in text
        plain = hashlib.sha256(str(person.pk).encode()).hexdigest()[:16]
        assert plain not in per_reader  # salted, not a bare hash of the account number
    assert "@" not in text
    assert all(re.fullmatch(r"[0-9a-f]{16}", reader) for reader in per_reader)


def test_the_vote_matrix_has_the_answers_blindness_and_day_of_each_vote(exports, world):
    build()
    rows = read_csv("votes")

    regular = next(
        reader
        for reader in {row["reader"] for row in rows}
        if sum(1 for row in rows if row["reader"] == reader) == 6
    )
    mine = {row["case"]: row for row in rows if row["reader"] == regular}
    assert {slug: row["answer"] for slug, row in mine.items()} == {
        "a-blind": "yes", "case-0": "no", "case-1": "depends",
        "case-2": "yes", "case-3": "no", "case-4": "depends",
    }  # fmt: skip
    assert mine["a-blind"]["blind"] == "yes"
    assert mine["case-0"]["blind"] == "no"
    vote = Vote.objects.get(user=world["regular"], case__slug="case-0")
    assert mine["case-0"]["date"] == timezone.localdate(vote.created_at).isoformat()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"]) for row in rows)
    # Sorted by case, then by pseudonym: the order says nothing about accounts or times.
    assert [(row["case"], row["reader"]) for row in rows] == sorted(
        (row["case"], row["reader"]) for row in rows
    )


def test_every_build_gives_the_readers_new_pseudonyms(exports, world):
    build()
    first = read_csv("votes")
    build()
    second = read_csv("votes")

    assert len(first) == len(second) == 11
    assert not {row["reader"] for row in first} & {row["reader"] for row in second}

    def without_reader(rows):
        return sorted((row["case"], row["answer"], row["blind"], row["date"]) for row in rows)

    assert without_reader(first) == without_reader(second)


# --- the verdicts and the cases ---------------------------------------------------------------


def test_the_verdicts_file_matches_the_stored_tallies(exports, world):
    build()
    rows = read_csv("verdicts")

    assert list(rows[0]) == [
        "slug", "title", "yes", "no", "depends", "total",
        "blind_yes", "blind_no", "blind_depends",
        "hindsight_yes", "hindsight_no", "hindsight_depends", "published",
    ]  # fmt: skip
    published = Case.objects.published().order_by("slug")
    assert [row["slug"] for row in rows] == [case.slug for case in published]
    for row, case in zip(rows, published, strict=True):
        assert row["title"] == ("'" + case.title if case.title.startswith("-") else case.title)
        counts = [case.votes_yes, case.votes_no, case.votes_depends, case.vote_total]
        assert [int(row[key]) for key in ("yes", "no", "depends", "total")] == counts
        blind = [case.blind_yes, case.blind_no, case.blind_depends]
        assert [int(row[f"blind_{key}"]) for key in ("yes", "no", "depends")] == blind
        assert row["published"] == timezone.localdate(case.published_at).isoformat()
    by_slug = {row["slug"]: row for row in rows}
    assert by_slug["a-blind"]["blind_yes"] == "1"  # the regular reader voted blind
    assert by_slug["case-1"]["total"] == "4"
    hindsight = ("hindsight_yes", "hindsight_no", "hindsight_depends")
    assert [by_slug["case-1"][key] for key in hindsight] == ["0", "1", "0"]
    assert [by_slug["case-2"][key] for key in hindsight] == ["", "", ""]  # no outcome yet
    assert by_slug["case-0"]["title"] == "'-2 of 3 left"  # never a spreadsheet formula


def test_the_cases_file_round_trips_through_the_importer(exports, world):
    build()
    data = json.loads(open_data.export_path(open_data.CASES).read_text(encoding="utf-8"))

    check_format(data)
    slugs = [item["slug"] for item in data["cases"]]
    assert slugs == sorted(Case.objects.published().values_list("slug", flat=True))
    assert data["cases"] == export_cases(Case.objects.published())["cases"]
    assert data["cases"][1]["sources"][0]["url"] == "https://example.org/post"

    Case.objects.all().delete()
    report = import_cases(data)

    assert report.created == slugs
    assert not report.rejected
    assert export_cases(Case.objects.all()) == data


def test_an_empty_site_builds_empty_files(exports, db):
    build()

    assert json.loads(open_data.export_path(open_data.CASES).read_text()) == {
        "format": "outsourcing-verdicts/cases",
        "version": 1,
        "cases": [],
        "categories": [],
    }
    assert read_csv("verdicts") == []
    assert read_csv("votes") == []


# --- building ---------------------------------------------------------------------------------


def test_a_failed_build_keeps_the_old_file_and_leaves_no_partial(exports, world, monkeypatch):
    build()
    before = open_data.export_path(open_data.VOTES).read_bytes()

    def break_halfway(file):
        file.write("reader,case\nhalf")
        raise OSError("disk full")

    monkeypatch.setattr(open_data, "write_vote_matrix", break_halfway)
    with pytest.raises(OSError, match="disk full"):
        open_data.build_exports()

    assert open_data.export_path(open_data.VOTES).read_bytes() == before
    assert sorted(path.name for path in exports.iterdir()) == [
        "cases.json",
        "verdicts.csv",
        "votes.csv",
    ]


def test_the_worker_builds_the_files_every_night(exports, world):
    task = open_data.build_open_data_nightly

    def due_at(hour, minute):
        return [type(due) for due in HUEY.read_periodic(datetime(2025, 3, 1, hour, minute))]

    assert task.task_class in due_at(3, 30)  # what the worker's scheduler asks every minute
    assert task.task_class not in due_at(15, 30)
    built = task.call_local()

    assert set(built) == {"cases", "verdicts", "votes"}
    assert built["votes"]["rows"] == 11
    assert built["verdicts"]["rows"] == 6
    assert open_data.export_path(open_data.VOTES).stat().st_size == built["votes"]["size"]
