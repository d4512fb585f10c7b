"""Input no view can use: NULs and broken UTF-8 (outsourcing/middleware.py), and the admin's
URLs and list parameters with values that are not what they should be. Everything here is a
4xx with a reason or the admin's own answer, never a 500, on SQLite and on PostgreSQL."""

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib import admin
from django.test import AsyncClient

from cases.models import Case, Comment, Flag
from tests.conftest import HTMX
from tests.factories import CommentFactory, UserFactory

SITE_LOOK = "Outsourcing verdicts"  # the navbar's brand: the page is the site's, not Django's


def assert_refused(response, reason: str) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert reason in page
    assert SITE_LOOK in page


# --- NUL bytes and broken UTF-8 -------------------------------------------------------------


def test_the_middleware_is_high_in_the_stack():
    names = settings.MIDDLEWARE
    position = names.index("outsourcing.middleware.RejectNulBytesMiddleware")
    assert names.index("django.middleware.security.SecurityMiddleware") < position
    assert position < names.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert position < names.index("django.contrib.sessions.middleware.SessionMiddleware")


@pytest.mark.django_db
def test_a_nul_in_the_path_is_a_400_with_the_reason(client):
    assert_refused(client.get("/users/%00/"), "The address contains a NUL character")


@pytest.mark.django_db
def test_a_raw_nul_in_the_path_too(client):
    assert_refused(client.get("/users/a\x00b/"), "The address contains a NUL character")


@pytest.mark.django_db
def test_a_nul_posted_to_a_path_as_anonymous(client):
    response = client.post("/curate/users/%00/suspend/", {"reason": "x"})
    assert_refused(response, "The address contains a NUL character")


@pytest.mark.django_db
def test_a_nul_in_the_query_string(client):
    assert_refused(client.get("/?q=a%00b"), "The query string contains a NUL character")


@pytest.mark.django_db
def test_a_nul_in_a_query_string_name(client):
    assert_refused(client.get("/?a%00b=1"), "The query string contains a NUL character")


@pytest.mark.django_db
@pytest.mark.parametrize("multipart", [False, True], ids=["urlencoded", "multipart"])
def test_a_nul_in_a_form_field_writes_nothing(user_client, case, multipart):
    url = f"/cases/{case.slug}/comments/"
    if multipart:
        response = user_client.post(url, {"body": "Hello\x00there"})
    else:
        response = user_client.post(
            url, "body=Hello%00there", content_type="application/x-www-form-urlencoded"
        )
    assert_refused(response, "A form field contains a NUL character")
    assert not Comment.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_nul_in_an_admin_list_filter_as_a_curator(curator_client):
    response = curator_client.get("/admin/cases/flag/?reason=ab%00cd")
    assert_refused(response, "The query string contains a NUL character")


@pytest.mark.django_db
def test_htmx_gets_the_reason_as_a_fragment(user_client, case):
    response = user_client.post(f"/cases/{case.slug}/vote/", {"choice": "yes\x00"}, headers=HTMX)
    assert response.status_code == 400
    assert "A form field contains a NUL character" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/users/%FF/", "/cases/%C0%AF/", "/users/%ED%A0%80/"],
    ids=["lone-byte", "overlong", "surrogate"],
)
def test_a_path_that_is_not_utf8(client, path):
    assert_refused(client.get(path), "The address is not valid UTF-8 text.")


@pytest.mark.django_db
def test_a_query_string_that_is_not_utf8(client):
    assert_refused(client.get("/?q=%FF"), "The query string is not valid UTF-8 text.")


@pytest.mark.django_db
def test_form_data_that_is_not_utf8(user_client, case):
    response = user_client.post(
        f"/cases/{case.slug}/comments/",
        "body=%FF%FE",
        content_type="application/x-www-form-urlencoded",
    )
    assert_refused(response, "The form data is not valid UTF-8 text.")


@pytest.mark.django_db
def test_good_unicode_passes(client, case):
    UserFactory(username="jürgen")
    assert client.get("/users/j%C3%BCrgen/").status_code == 200
    assert client.get("/?q=caf%C3%A9+%E2%80%93+%F0%9F%98%80").status_code == 200
    assert client.get(f"/cases/{case.slug}/").status_code == 200


@pytest.mark.django_db
def test_asgi_requests_are_checked_too():
    response = async_to_sync(AsyncClient().get)("/?q=a%00b")
    assert response.status_code == 400
    assert "The query string contains a NUL character" in response.content.decode()


# --- the admin: ids that are no ids, odd list parameters ------------------------------------

BAD_IDS = ["abc", "%C2%B2", "-1", "1.5", "99999999999999999999", "%20"]


@pytest.fixture(params=["curator", "superuser"])
def staff_client(request, client, curator):
    person = curator
    if request.param == "superuser":
        person = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(person)
    return client


def admin_urls() -> list[str]:
    return [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in sorted(admin.site._registry, key=lambda model: model._meta.label)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("page", ["change/", "delete/", "history/", "", "history/1/"])
def test_an_admin_object_url_with_an_id_that_is_no_id(staff_client, case, bad, page):
    for url in admin_urls():
        response = staff_client.get(f"{url}{bad}/{page}")
        assert response.status_code < 500, f"{url}{bad}/{page}"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_history_version_that_is_no_id(staff_client, case, bad):
    response = staff_client.get(f"/admin/cases/case/{case.pk}/history/{bad}/")
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_IDS)
def test_a_user_password_url_with_an_id_that_is_no_id(staff_client, bad):
    assert staff_client.get(f"/admin/accounts/user/{bad}/password/").status_code < 500


LIST_PARAMETERS = [
    "status=bogus",
    "category__id__exact=abc",
    "category__id__exact=99999999999999999999",
    "reason=zzz",
    "state=zzz",
    "hidden_at__isnull=maybe",
    "choice=%C2%B2",
    "action=nope",
    "o=abc",
    "o=99",
    "o=1.x.-",
    "o=-",
    "p=abc",
    "p=-1",
    "p=999999",
    "q=" + "%25" * 50,
    "q=" + "x" * 3000,
    "e=1",
    "_to_field=password",
    "_popup=1",
    "all=",
    "unknown=1",
    "_changelist_filters=%FF%FE",
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", LIST_PARAMETERS)
def test_an_admin_list_with_odd_parameters(staff_client, query):
    CommentFactory()
    for url in admin_urls():
        response = staff_client.get(f"{url}?{query}")
        assert response.status_code < 500, f"{url}?{query}"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["_changelist_filters=o%3Dabc%26p%3D-1", "_changelist_filters=%"])
def test_a_change_page_with_odd_changelist_filters(staff_client, case, query):
    response = staff_client.get(f"/admin/cases/case/{case.pk}/change/?{query}")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("selected", ["", "abc", "²", "99999999999999999999"])
def test_an_admin_action_on_a_selection_that_is_no_id(staff_client, case, selected):
    comment = CommentFactory(case=case)
    Flag.objects.create(user=UserFactory(), comment=comment, reason=Flag.Reason.SPAM)
    for url, action in [
        ("/admin/cases/case/", "archive"),
        ("/admin/cases/flag/", "keep_comments"),
        ("/admin/cases/comment/", "restore"),
        ("/admin/accounts/user/", "delete_selected"),
        ("/admin/auth/group/", "delete_selected"),
        ("/admin/account/emailaddress/", "delete_selected"),
    ]:
        data = {"action": action, "index": "0", "select_across": "0", "_selected_action": selected}
        response = staff_client.post(url, data)
        assert response.status_code in {302, 403}, url
    assert Case.objects.get(pk=case.pk).status == Case.Status.PUBLISHED
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 1
