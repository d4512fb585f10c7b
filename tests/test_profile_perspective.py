"""The perspective: set and changed by its owner only, in the account settings; shown on the
profile; minds changed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from tests.conftest import HTMX
from tests.factories import CaseFactory, CommentFactory, UserFactory

URL = "/users/me/perspective/"
FORM_ACTION = f'action="{URL}"'


def perspective_of(username):
    return User.objects.get(username=username).perspective


def test_plain_post_saves_redirects_to_the_settings_with_a_message(user_client, user):
    response = user_client.post(URL, {"perspective": "manager"})

    assert response.status_code == 302
    assert response["Location"] == "/account/#perspective"
    assert perspective_of("alice") == "manager"
    page = user_client.get(response["Location"]).text
    assert "Your perspective is now “Manager or owner”." in page
    assert '<option value="manager" selected>' in page


def test_the_perspective_can_be_changed_and_cleared(user_client, user):
    user_client.post(URL, {"perspective": "employee"})
    user_client.post(URL, {"perspective": "customer"})
    assert perspective_of("alice") == "customer"

    response = user_client.post(URL, {"perspective": ""}, follow=True)

    assert perspective_of("alice") == ""
    assert "You no longer show a perspective." in response.text


def test_saving_touches_only_the_perspective(user_client, user):
    User.objects.filter(pk=user.pk).update(first_name="Changed elsewhere")

    user_client.post(URL, {"perspective": "other"})

    alice = User.objects.get(pk=user.pk)
    assert (alice.perspective, alice.first_name) == ("other", "Changed elsewhere")


def test_htmx_post_answers_with_the_form_fragment(user_client, user):
    response = user_client.post(URL, {"perspective": "contractor"}, headers=HTMX)

    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert "votes-heading" not in html
    assert html.strip().startswith('<section id="perspective"')
    assert "Your perspective is now “Contractor or freelancer”." in html
    assert '<option value="contractor" selected>' in html
    assert 'data-hx-post="/users/me/perspective/"' in html
    assert perspective_of("alice") == "contractor"


def test_an_invalid_value_is_a_400_with_a_reason(user_client, user):
    User.objects.filter(pk=user.pk).update(perspective="manager")

    response = user_client.post(URL, {"perspective": "overlord"})

    assert response.status_code == 400
    assert "“overlord” is not one of the perspectives." in response.text
    assert perspective_of("alice") == "manager"


def test_an_invalid_value_over_htmx_is_a_400_fragment(user_client, user):
    response = user_client.post(URL, {"perspective": "overlord"}, headers=HTMX)

    assert response.status_code == 400
    assert "<html" not in response.text
    assert "“overlord” is not one of the perspectives." in response.text
    assert 'aria-invalid="true"' in response.text
    assert perspective_of("alice") == ""


def test_anonymous_visitors_are_sent_to_log_in(client, user):
    response = client.post(URL, {"perspective": "manager"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert perspective_of("alice") == ""


def test_anonymous_htmx_visitors_are_redirected_by_htmx(client, user):
    response = client.post(URL, {"perspective": "manager"}, headers=HTMX)

    assert response["HX-Redirect"].startswith("/accounts/login/")
    assert perspective_of("alice") == ""


def test_get_is_not_allowed(user_client):
    assert user_client.get(URL).status_code == 405


def test_others_see_the_label_but_no_form(user_client, other_user):
    User.objects.filter(pk=other_user.pk).update(perspective="manager")

    html = user_client.get("/users/bob/").text

    assert "Looks at outsourcing as: <strong>Manager or owner</strong>" in html
    assert FORM_ACTION not in html
    assert 'name="perspective"' not in html


def test_anonymous_visitors_see_the_label_but_no_form(client, other_user):
    User.objects.filter(pk=other_user.pk).update(perspective="employee")

    html = client.get("/users/bob/").text

    assert "Looks at outsourcing as: <strong>Employee</strong>" in html
    assert FORM_ACTION not in html


def test_no_label_without_a_perspective(client, other_user):
    assert "Looks at outsourcing as" not in client.get("/users/bob/").text


def test_the_owner_sees_the_form_with_the_current_choice_in_the_settings(user_client, user):
    User.objects.filter(pk=user.pk).update(perspective="customer")

    html = user_client.get("/account/").text

    assert FORM_ACTION in html
    assert '<option value="customer" selected>' in html
    assert '<option value="">Rather not say</option>' in html


def test_the_owner_sees_the_label_and_a_link_to_the_settings_on_the_profile(user_client, user):
    User.objects.filter(pk=user.pk).update(perspective="customer")

    html = user_client.get("/users/alice/").text

    assert "Looks at outsourcing as: <strong>Customer</strong>" in html
    assert 'href="/account/"' in html
    assert FORM_ACTION not in html


def test_a_user_called_me_still_has_a_profile(client, db):
    UserFactory(username="me")

    assert client.get("/users/me/").status_code == 200


# --- minds changed ---------------------------------------------------------------------------


def test_profile_shows_how_many_minds_the_comments_changed(client, user, case):
    CommentFactory(author=user, case=case, minds_changed=2)
    CommentFactory(author=user, case=CaseFactory(), minds_changed=3)
    CommentFactory(author=UserFactory(), case=case, minds_changed=7)  # someone else's

    html = client.get("/users/alice/").text

    assert "Comments changed 5 minds" in html


def test_minds_changed_is_zero_without_comments_and_singular_for_one(client, user, case):
    assert "Comments changed 0 minds" in client.get("/users/alice/").text

    CommentFactory(author=user, case=case, minds_changed=1)

    assert "Comments changed 1 mind<" in client.get("/users/alice/").text


def test_minds_changed_counts_only_comments_the_profile_shows(client, user, case):
    CommentFactory(author=user, case=case, minds_changed=2)
    CommentFactory(author=user, case=CaseFactory(draft=True), minds_changed=10)
    CommentFactory(
        author=user, case=case, minds_changed=20, hidden_at=case.published_at, hidden_reason="Rude"
    )

    assert "Comments changed 2 minds" in client.get("/users/alice/").text


@pytest.mark.parametrize("comments", [1, 6])
def test_minds_changed_is_one_aggregate_query(client, user, case, comments):
    CommentFactory.create_batch(comments, author=user, case=case, minds_changed=1)

    with CaptureQueriesContext(connection) as captured:
        client.get("/users/alice/")

    sums = [q["sql"] for q in captured.captured_queries if "SUM(" in q["sql"].upper()]
    assert len(sums) == 1
    assert "minds_changed" in sums[0]
