"""The curators' admin action that exports the selected cases' verdicts as CSV."""

import csv
import io

from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from tests.factories import CaseFactory, CommentFactory

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
