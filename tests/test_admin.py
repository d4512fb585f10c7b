"""The curators' admin, driven through the test client as a curator would use it."""

import warnings

import pytest
from django.contrib.auth.models import Group
from django.utils.deprecation import RemovedInDjango60Warning

from cases import services
from cases.models import Case, Comment, ModerationLog, Vote
from tests.factories import CategoryFactory, CommentFactory, UserFactory, VoteFactory

EMPTY_SOURCES = {
    "sources-TOTAL_FORMS": "0",
    "sources-INITIAL_FORMS": "0",
    "sources-MIN_NUM_FORMS": "0",
    "sources-MAX_NUM_FORMS": "1000",
}


def case_form_data(category, **overrides) -> dict:
    data = {
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


@pytest.fixture
def plain_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff_without_group):
    client.force_login(staff_without_group)
    return client


# --- who gets in --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/cases/case/",
        "/admin/cases/comment/",
        "/admin/cases/vote/",
        "/admin/cases/moderationlog/",
        "/admin/cases/category/",
    ],
)
def test_curator_can_open_the_admin_pages(curator_client, url):
    response = curator_client.get(url)

    assert response.status_code == 200


def test_curator_can_open_the_case_add_page_with_a_sources_inline(curator_client):
    response = curator_client.get("/admin/cases/case/add/")

    assert response.status_code == 200
    assert 'name="sources-TOTAL_FORMS"' in response.text
    assert 'name="status"' in response.text


def test_case_add_page_renders_without_deprecation_warnings(curator_client):
    # Source.url's form field must name its scheme: Django 5.2 warns otherwise (an error
    # under this project's pytest settings) and Django 6 changes the default.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = curator_client.get("/admin/cases/case/add/")

    assert response.status_code == 200
    assert [str(w.message) for w in caught if w.category is RemovedInDjango60Warning] == []


@pytest.mark.parametrize("url", ["/admin/", "/admin/cases/case/", "/admin/cases/comment/"])
def test_anonymous_visitor_is_sent_to_the_admin_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ["/admin/", "/admin/cases/case/", "/admin/cases/comment/"])
def test_logged_in_non_staff_user_is_sent_to_the_admin_login(plain_client, url):
    response = plain_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ["/admin/cases/case/", "/admin/cases/comment/"])
def test_staff_without_the_curators_group_is_forbidden(staff_client, url):
    response = staff_client.get(url)

    assert response.status_code == 403


# --- votes are the site's own records -----------------------------------------------------


def test_curator_cannot_add_votes(curator_client):
    response = curator_client.get("/admin/cases/vote/add/")

    assert response.status_code == 403


def test_curator_sees_a_vote_read_only_and_cannot_change_it(curator_client, case, user):
    vote = VoteFactory(user=user, case=case, choice=Vote.Choice.YES)
    url = f"/admin/cases/vote/{vote.pk}/change/"

    page = curator_client.get(url)
    posted = curator_client.post(url, {"user": user.pk, "case": case.pk, "choice": "no"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    assert posted.status_code == 403
    vote.refresh_from_db()
    assert vote.choice == Vote.Choice.YES


def test_curator_cannot_delete_votes(curator_client, case, user):
    vote = VoteFactory(user=user, case=case)

    response = curator_client.post(f"/admin/cases/vote/{vote.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Vote.objects.filter(pk=vote.pk).exists()


def test_votes_changelist_offers_no_add_button(curator_client, case, user):
    VoteFactory(user=user, case=case)

    response = curator_client.get("/admin/cases/vote/")

    assert "/admin/cases/vote/add/" not in response.text
    assert case.title in response.text


def test_curator_cannot_delete_cases(curator_client, case):
    response = curator_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Case.objects.filter(pk=case.pk).exists()


def test_curator_cannot_edit_a_comment_body(curator_client, case, user):
    comment = CommentFactory(case=case, author=user, body="Original words.")

    response = curator_client.post(
        f"/admin/cases/comment/{comment.pk}/change/", {"body": "Put in my mouth."}
    )

    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Original words."


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
    assert "published" in log.reason
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
    assert log.reason == "published → archived"
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


# --- hiding comments ----------------------------------------------------------------------


@pytest.fixture
def rude_comments(case, user, other_user):
    return [
        CommentFactory(case=case, author=user, body="You are all idiots."),
        CommentFactory(case=case, author=other_user, body="Buy cheap watches here."),
    ]


def hide(client, comments, **extra):
    data = {"action": "hide", "_selected_action": [str(c.pk) for c in comments], **extra}
    return client.post("/admin/cases/comment/", data)


def test_hide_action_first_asks_for_a_reason(curator_client, rude_comments):
    response = hide(curator_client, rude_comments)

    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert "You are all idiots." in response.text
    assert "Buy cheap watches here." in response.text
    assert all(c.hidden_at is None for c in Comment.objects.all())


def test_hide_with_a_reason_hides_logs_and_removes_the_comments_from_the_case_page(
    curator_client, curator, rude_comments, case, client
):
    hide(curator_client, rude_comments)
    response = hide(curator_client, rude_comments, apply="1", reason="Insults and spam")

    assert response.status_code == 302
    for comment in rude_comments:
        comment.refresh_from_db()
        assert comment.hidden_at is not None
        assert comment.hidden_by == curator
        assert comment.hidden_reason == "Insults and spam"
    logs = ModerationLog.objects.filter(action=ModerationLog.Action.HIDE_COMMENT)
    assert {log.comment_id for log in logs} == {c.pk for c in rude_comments}
    assert all(log.reason == "Insults and spam" for log in logs)
    client.logout()
    page = client.get(case.get_absolute_url()).text
    assert "You are all idiots." not in page
    assert "Buy cheap watches here." not in page


def test_hide_success_message_counts_the_comments(curator_client, rude_comments):
    response = curator_client.post(
        "/admin/cases/comment/",
        {
            "action": "hide",
            "_selected_action": [str(c.pk) for c in rude_comments],
            "apply": "1",
            "reason": "Spam",
        },
        follow=True,
    )

    assert "2 comments hidden." in response.text


@pytest.mark.parametrize("reason", ["", "   "])
def test_hide_without_a_reason_keeps_asking_and_hides_nothing(
    curator_client, rude_comments, reason
):
    response = hide(curator_client, rude_comments, apply="1", reason=reason)

    assert response.status_code == 200
    assert 'name="reason"' in response.text
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 0
    assert not ModerationLog.objects.exists()


def test_restore_brings_a_hidden_comment_back_to_the_case_page(
    curator_client, curator, rude_comments, case, client
):
    comment = rude_comments[0]
    services.hide_comment(moderator=curator, comment=comment, reason="Too harsh")

    response = curator_client.post(
        "/admin/cases/comment/",
        {"action": "restore", "_selected_action": [str(comment.pk)]},
        follow=True,
    )

    assert "1 comment restored." in response.text
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert comment.hidden_reason == ""
    assert ModerationLog.objects.filter(
        comment=comment, action=ModerationLog.Action.RESTORE_COMMENT
    ).exists()
    client.logout()
    assert "You are all idiots." in client.get(case.get_absolute_url()).text


def test_staff_without_moderation_permission_cannot_hide_comments(staff_client, rude_comments):
    response = hide(staff_client, rude_comments, apply="1", reason="Because")

    assert response.status_code == 403
    assert Comment.objects.filter(hidden_at__isnull=False).count() == 0


def test_moderation_log_lists_who_did_what(curator_client, curator, rude_comments):
    services.hide_comment(moderator=curator, comment=rude_comments[0], reason="Insult")

    response = curator_client.get("/admin/cases/moderationlog/")

    assert response.status_code == 200
    assert "curator" in response.text
    assert "Insult" in response.text


# --- the curators group -------------------------------------------------------------------


def test_curators_group_has_exactly_the_permissions_the_migration_lists(db):
    group = Group.objects.get(name="curators")

    granted = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }

    assert granted == {
        "cases.add_category",
        "cases.change_category",
        "cases.view_category",
        "cases.add_case",
        "cases.change_case",
        "cases.view_case",
        "cases.add_source",
        "cases.change_source",
        "cases.delete_source",
        "cases.view_source",
        "cases.view_vote",
        "cases.view_comment",
        "cases.moderate_comment",
        "cases.view_moderationlog",
        "cases.view_flag",
    }


def test_curator_permissions_come_from_the_group_alone(curator):
    fresh = UserFactory(username="fresh-curator", is_staff=True)
    fresh.groups.add(Group.objects.get(name="curators"))

    assert not curator.is_superuser
    assert fresh.has_perm("cases.moderate_comment")
    assert not fresh.has_perm("cases.delete_case")
    assert not fresh.has_perm("cases.change_vote")


def test_source_link_typed_without_a_scheme_is_saved_as_https(curator_client, category):
    data = case_form_data(category, **{"sources-0-url": "example.org/lohn"})

    response = curator_client.post("/admin/cases/case/add/", data)

    assert response.status_code == 302
    source = Case.objects.get(slug="payroll-service-bureau").sources.get()
    assert source.url == "https://example.org/lohn"
