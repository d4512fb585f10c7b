"""Every htmx answer of the case page costs the same number of queries beside a discussion
of 9 comments and one of 5,000 (pinned), so none grows with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Case, Comment
from tests.conftest import HTMX
from tests.factories import CaseFactory, UserFactory
from tests.test_page_costs import threads_of

pytestmark = pytest.mark.django_db

# The queries of each htmx request (the user included, the session coming from the cache;
# savepoints of the test's transaction too), the same at both sizes.
EXPECTED = {
    "reply form": 2,  # the user, the comment with its case
    "edit form": 2,
    "edit": 10,  # + the write, then that comment's thread and the viewer's marks
    "flag form": 3,
    "flag": 11,  # + whether the flagger's email is verified (does the flag count?)
    "changed mind": 14,  # + the vote box: its candidates after the change, any credit yet
    "delete": 8,
    "perspective": 14,  # grows with the member's votes (one case here), never with comments
}


@pytest.fixture(params=[9, 5_000], ids=["9-comments", "5000-comments"])
def discussion(request, db):
    case = CaseFactory()
    threads_of(case, request.param, UserFactory.create_batch(4))
    return Case.objects.get(pk=case.pk)


def count(client, method, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, headers=HTMX)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


def test_htmx_answers_cost_the_same_beside_any_discussion(client, discussion):
    member = UserFactory(perspective="employee")
    someone = Comment.objects.filter(case=discussion, parent__isnull=True).first()
    services.cast_vote(user=member, case=discussion, choice="yes")
    own = services.add_comment(author=member, case=discussion, body="My first point.")
    client.force_login(member)

    def comment_url(name, comment):
        return reverse(f"cases:{name}", kwargs={"comment_id": comment.pk})

    costs = {
        "reply form": count(client, "get", comment_url("comment_reply", someone)),
        "edit form": count(client, "get", comment_url("comment_edit", own)),
        "edit": count(client, "post", comment_url("comment_edit", own), {"body": "Better."}),
        "flag form": count(client, "get", comment_url("comment_flag", someone)),
        "flag": count(client, "post", comment_url("comment_flag", someone), {"reason": "spam"}),
    }
    services.cast_vote(user=member, case=discussion, choice="no")
    costs["changed mind"] = count(
        client,
        "post",
        reverse("cases:changed_mind", kwargs={"slug": discussion.slug}),
        {"comment": someone.pk},
    )
    costs["delete"] = count(client, "post", comment_url("comment_delete", own))
    costs["perspective"] = count(
        client, "post", reverse("perspective_update"), {"perspective": "manager"}
    )
    assert costs == EXPECTED
