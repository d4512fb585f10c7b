"""The visitor's case page is cached under the case's versions: every write that changes the
page shows on the very next anonymous request, and the signed-in page is never cached."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, Comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def visitor_page(client, case, **params):
    response = client.get(case.get_absolute_url(), params)
    assert response.status_code == 200
    return response.text


def test_a_vote_shows_on_the_very_next_anonymous_request(client, case, user):
    assert "No votes yet" in visitor_page(client, case)
    assert "No votes yet" in visitor_page(client, case)  # now from the cache
    services.cast_vote(user=user, case=case, choice="no")
    assert "1 vote in all" in visitor_page(client, case)
    services.cast_vote(user=user, case=case, choice="depends", condition="the contract")
    page = visitor_page(client, case)
    assert "the contract" in page
    assert re.search(r"It depends\s*</span>\s*<span[^>]*>\s*100", page) or "100&nbsp;%" in page


def test_comments_ratings_edits_and_hiding_show_at_once(client, case, user, other_user, curator):
    visitor_page(client, case)
    comment = services.add_comment(author=user, case=case, body="Cheaper, not better.")
    assert "Cheaper, not better." in visitor_page(client, case)
    services.edit_comment(editor=user, comment=comment, body="Cheaper, and worse.")
    assert "Cheaper, and worse." in visitor_page(client, case)
    # A day old: its score shows (a younger one's is hidden, tests/test_comment_score_delay.py).
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=25))
    services.rate_comment(user=other_user, comment=comment, value=1)
    assert "1 point" in visitor_page(client, case)
    services.hide_comment(moderator=curator, comment=comment, reason="Off-topic.")
    page = visitor_page(client, case)
    assert "Cheaper, and worse." not in page and "0 comments" in page


def test_curator_acts_and_perspectives_show_at_once(client, case, curator):
    voters = [UserFactory(perspective="manager") for _ in range(10)]
    for voter in voters:
        services.cast_vote(user=voter, case=case, choice="yes")
    assert "Manager or owner" in visitor_page(client, case)
    services.set_perspective(user=voters[0], perspective="employee")
    page = visitor_page(client, case)
    assert "Employee" in page
    services.close_case(moderator=curator, case=case, reason="Enough said")
    assert "Discussion closed on" in visitor_page(client, case)
    # an edit of the case itself (admin, proposals) moves `updated_at`, part of the key
    edited = Case.objects.get(pk=case.pk)
    edited.decision = "Customer care → back in-house"
    edited.save()
    assert "Customer care → back in-house" in visitor_page(client, case)


def test_each_order_and_page_is_its_own_entry_and_signed_in_pages_are_not_cached(
    client, case, user
):
    services.add_comment(author=user, case=case, body="First.")
    services.add_comment(author=user, case=case, body="Second.")
    newest = visitor_page(client, case, order="new")
    oldest = visitor_page(client, case, order="old")
    assert newest.index("Second.") < newest.index("First.")
    assert oldest.index("First.") < oldest.index("Second.")
    client.force_login(user)
    assert "csrfmiddlewaretoken" in visitor_page(client, case)  # forms for the member
    client.logout()
    assert "csrfmiddlewaretoken" not in visitor_page(client, case)  # nothing personal


def test_members_see_each_change_at_once_and_their_own_hidden_comment(
    client, case, user, other_user, curator
):
    theirs = services.add_comment(author=other_user, case=case, body="Outsourcing paid off.")
    mine = services.add_comment(author=user, case=case, body="It did not, for the staff.")
    client.force_login(user)
    assert "Outsourcing paid off." in visitor_page(client, case)  # page of threads cached
    services.rate_comment(user=user, comment=theirs, value=1)
    page = visitor_page(client, case)
    assert re.search(r'aria-pressed="true"[^>]*>\s*Convincing', page) or (
        'btn-success" aria-pressed="true"' in page
    )
    services.hide_comment(moderator=curator, comment=mine, reason="Too sharp.")
    assert "Only you can see this comment: it is hidden. Too sharp." in visitor_page(client, case)
    client.force_login(other_user)
    other = visitor_page(client, case)
    assert "It did not, for the staff." not in other
    assert "Outsourcing paid off." in other
