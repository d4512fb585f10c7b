"""The curators' admin: who gets in, what stays read-only, and the curators group's
permissions. Driven through the test client as a curator would use it."""

import warnings

import pytest
from django.contrib.auth.models import Group
from django.utils.deprecation import RemovedInDjango60Warning

from cases.models import Case, Vote
from tests.factories import CommentFactory, UserFactory, VoteFactory


@pytest.fixture
def plain_client(client, user):
    client.force_login(user)
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
        # Migration 0011: curators write the cases' and categories' other languages.
        *(
            f"cases.{action}_{model}"
            for model in ("casetranslation", "categorytranslation")
            for action in ("add", "change", "delete", "view")
        ),
    }


def test_curator_permissions_come_from_the_group_alone(curator):
    fresh = UserFactory(username="fresh-curator", is_staff=True)
    fresh.groups.add(Group.objects.get(name="curators"))

    assert not curator.is_superuser
    assert fresh.has_perm("cases.moderate_comment")
    assert not fresh.has_perm("cases.delete_case")
    assert not fresh.has_perm("cases.change_vote")
