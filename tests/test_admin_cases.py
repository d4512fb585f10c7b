"""The curators' admin: writing cases (the form and its sources), publishing and archiving
them. Driven through the test client as a curator would use it."""

import pytest

from cases.models import Case, ModerationLog
from tests.factories import CategoryFactory

EMPTY_SOURCES = {
    "translations-TOTAL_FORMS": "0",
    "translations-INITIAL_FORMS": "0",
    "sources-TOTAL_FORMS": "0",
    "sources-INITIAL_FORMS": "0",
    "sources-MIN_NUM_FORMS": "0",
    "sources-MAX_NUM_FORMS": "1000",
}


def case_form_data(category, **overrides) -> dict:
    data = {
        "language": "en",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "title": "Payroll goes to a service bureau",
        "slug": "payroll-service-bureau",
        "status": "draft",
        "category": str(category.pk),
        "decision": "Payroll → an external service bureau",
        "summary": "A small firm stops doing its own payroll.",
        "story": "The firm had **one** person doing payroll.",
        "decided_by": "The owner",
        "outsourced_what": "Payroll",
        "provider": "A service bureau",
        "year": "2015",
        "outcome": "",
        "sources-TOTAL_FORMS": "1",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "0",
        "sources-MAX_NUM_FORMS": "1000",
        "sources-0-title": "Lohnbuchhaltung auslagern",
        "sources-0-language": "de",
        "sources-0-outlet": "A blog",
        "sources-0-author": "",
        "sources-0-published": "",
        "sources-0-url": "https://example.org/lohn",
        "sources-0-position": "0",
        "_save": "Save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def category(db):
    return CategoryFactory(slug="back-office", name="Back office")


# --- writing cases ------------------------------------------------------------------------


def test_case_created_as_published_is_dated_logged_and_public(
    curator_client, curator, category, client
):
    response = curator_client.post(
        "/admin/cases/case/add/", case_form_data(category, status="published")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get(slug="payroll-service-bureau")
    assert case.status == Case.Status.PUBLISHED
    assert case.published_at is not None
    assert list(case.sources.values_list("title", "language")) == [
        ("Lohnbuchhaltung auslagern", "de")
    ]
    log = ModerationLog.objects.get(case=case)
    assert log.action == ModerationLog.Action.CHANGE_CASE_STATUS
    assert log.moderator == curator
    assert log.moderator_name == "curator"
    assert log.params["new"] == "published" and log.reason == ""
    client.logout()
    assert client.get(case.get_absolute_url()).status_code == 200


def test_case_created_as_draft_stays_undated_and_hidden_from_the_public(
    curator_client, category, client
):
    response = curator_client.post(
        "/admin/cases/case/add/", case_form_data(category, status="draft", **EMPTY_SOURCES)
    )

    assert response.status_code == 302
    case = Case.objects.get(slug="payroll-service-bureau")
    assert case.status == Case.Status.DRAFT
    assert case.published_at is None
    assert not ModerationLog.objects.filter(case=case).exists()
    client.logout()
    assert client.get(case.get_absolute_url()).status_code == 404


def test_publishing_a_draft_through_the_change_form_dates_and_logs_it(curator_client, draft_case):
    data = case_form_data(
        draft_case.category,
        title=draft_case.title,
        slug=draft_case.slug,
        status="published",
        **EMPTY_SOURCES,
    )

    response = curator_client.post(f"/admin/cases/case/{draft_case.pk}/change/", data)

    assert response.status_code == 302
    draft_case.refresh_from_db()
    assert draft_case.status == Case.Status.PUBLISHED
    assert draft_case.published_at is not None
    assert (
        ModerationLog.objects.filter(
            case=draft_case, action=ModerationLog.Action.CHANGE_CASE_STATUS
        ).count()
        == 1
    )


def test_publish_action_publishes_dates_and_logs_each_case(curator_client, curator, db):
    from tests.factories import CaseFactory

    drafts = CaseFactory.create_batch(2, draft=True)

    response = curator_client.post(
        "/admin/cases/case/",
        {"action": "publish", "_selected_action": [str(c.pk) for c in drafts]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2 cases are now Published." in response.text
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.status == Case.Status.PUBLISHED
        assert draft.published_at is not None
    logs = ModerationLog.objects.filter(action=ModerationLog.Action.CHANGE_CASE_STATUS)
    assert {log.case_id for log in logs} == {c.pk for c in drafts}
    assert all(log.moderator == curator for log in logs)


def test_archive_action_archives_and_logs_and_the_case_leaves_the_list(
    curator_client, case, client
):
    response = curator_client.post(
        "/admin/cases/case/",
        {"action": "archive", "_selected_action": [str(case.pk)]},
        follow=True,
    )

    assert "1 case is now Archived." in response.text
    case.refresh_from_db()
    assert case.status == Case.Status.ARCHIVED
    log = ModerationLog.objects.get(case=case)
    assert (log.params, log.reason) == ({"old": "published", "new": "archived"}, "")
    assert log.describe() == "From “Published” to “Archived”."
    client.logout()
    assert case.title not in client.get("/").text


def test_republishing_an_archived_case_keeps_its_first_publication_date(curator_client, case):
    first_published = case.published_at
    for action in ("archive", "publish"):
        curator_client.post(
            "/admin/cases/case/", {"action": action, "_selected_action": [str(case.pk)]}
        )

    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED
    assert case.published_at == first_published
    assert ModerationLog.objects.filter(case=case).count() == 2


def test_source_link_typed_without_a_scheme_is_saved_as_https(curator_client, category):
    data = case_form_data(category, **{"sources-0-url": "example.org/lohn"})

    response = curator_client.post("/admin/cases/case/add/", data)

    assert response.status_code == 302
    source = Case.objects.get(slug="payroll-service-bureau").sources.get()
    assert source.url == "https://example.org/lohn"
