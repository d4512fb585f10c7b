"""In-app notifications: each kind is written by its act, in the act's transaction, for the
person it concerns and never for the actor; the header's count; the page /notifications/;
marking read, plain and with htmx, only one's own. The digests: tests/test_digests.py."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from cases import services
from cases.models import Case
from cases.services import notifications as notifying
from cases.services.hindsight import add_outcome_update
from cases.services.translations import save_case_translation
from tests.conftest import HTMX
from tests.factories import CaseFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/notifications/"
READ_ALL = "/notifications/read/"


def kinds_of(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user).order_by("id").values_list("kind", flat=True)
    )


def texts_on(response) -> str:
    return response.text.replace("&#x27;", "'").replace("&quot;", '"')


def read_url(notification) -> str:
    return reverse("notification_read", kwargs={"notification_id": notification.pk})


def notify(user, kind=Notification.Kind.REPLY, case=None, comment=None, **params):
    return Notification.objects.create(
        user=user, kind=kind, case=case, comment=comment, params=params
    )


# --- each kind, written by its act ------------------------------------------------------------


def test_a_reply_tells_the_parent_author_and_a_top_level_comment_nobody(case, user, other_user):
    parent = services.add_comment(author=other_user, case=case, body="Cheaper, surely.")
    assert Notification.objects.count() == 0

    reply = services.add_comment(author=user, case=case, body="Not at all.", parent=parent)

    [notification] = Notification.objects.all()
    assert (notification.user, notification.kind) == (other_user, "reply")
    assert (notification.case_id, notification.comment_id) == (case.pk, reply.pk)
    assert notification.read_at is None
    assert notification.text() == (
        "alice replied to your comment on “Customer care goes to a call center”."
    )
    assert notification.target_url() == f"/comments/{reply.pk}/"


def test_replying_to_ones_own_comment_tells_nobody(case, user):
    parent = services.add_comment(author=user, case=case, body="First thought.")
    services.add_comment(author=user, case=case, body="Second thought.", parent=parent)
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("decide", "status", "sentence", "url"),
    [
        ("publish_proposal", "published", "A curator published your proposal",
         "/cases/payroll/"),
        ("send_back_proposal", "needs_changes", "A curator sent your proposal",
         "/cases/payroll/edit/"),
        ("reject_proposal", "rejected", "A curator rejected your proposal",
         "/users/alice/#proposals"),
    ],
)  # fmt: skip
def test_a_curators_decision_tells_the_proposer(curator, user, decide, status, sentence, url):
    proposal = CaseFactory(
        slug="payroll", title="Payroll abroad", status=Case.Status.PENDING, published_at=None,
        proposer=user, submitted_at=timezone.now(),
    )  # fmt: skip
    note = {"reject_proposal": {"reason": "Off-topic."}}.get(decide, {"note": "See the sources."})
    getattr(services, decide)(moderator=curator, case=proposal, **note)

    [notification] = Notification.objects.all()
    assert (notification.user, notification.kind) == (user, "proposal_decided")
    assert notification.params == {"status": status}
    assert notification.text().startswith(f"{sentence} “Payroll abroad”")
    assert notification.target_url() == url
    assert kinds_of(curator) == []


def test_a_curator_deciding_on_their_own_proposal_is_not_told(curator):
    proposal = CaseFactory(status=Case.Status.PENDING, published_at=None, proposer=curator)
    services.publish_proposal(moderator=curator, case=proposal)
    assert Notification.objects.count() == 0


def test_an_outcome_update_tells_every_voter_but_the_curator(case, curator, user, other_user, vote):
    for person in (user, other_user, curator):
        vote(person, case, "yes")
    bystander = UserFactory()

    add_outcome_update(
        moderator=curator, case=case, happened_on=date(2020, 1, 1), text="It ended.",
        source_title="A report", language="en",
    )  # fmt: skip

    rows = Notification.objects.filter(kind="outcome_update")
    assert sorted(rows.values_list("user__username", flat=True)) == ["alice", "bob"]
    assert kinds_of(curator) == kinds_of(bystander) == []
    notification = rows.get(user=user)
    assert notification.params == {"date": "2020-01-01"}
    assert "(dated 1 January 2020)" in notification.text()
    assert notification.target_url() == case.get_absolute_url()


def test_closing_tells_the_voters_once(case, curator, user, other_user, vote):
    vote(user, case, "no")
    vote(curator, case, "yes")

    services.close_case(moderator=curator, case=case, reason="Said and done.")
    services.close_case(moderator=curator, case=case, reason="Still closed.")

    [notification] = Notification.objects.all()
    assert (notification.user, notification.kind) == (user, "case_closed")
    assert notification.text() == (
        "The discussion on “Customer care goes to a call center” is closed: Said and done."
    )
    assert kinds_of(other_user) == []


def test_the_voters_are_told_in_batches(case, curator, vote, monkeypatch):
    monkeypatch.setattr(notifying, "NOTIFY_BATCH", 2)
    voters = UserFactory.create_batch(5)
    for voter in voters:
        vote(voter, case, "yes")

    with CaptureQueriesContext(connection) as queries:
        services.close_case(moderator=curator, case=case, reason="Enough.")

    inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "accounts_notification"')]
    assert len(inserts) == 3  # 2 + 2 + 1
    assert Notification.objects.filter(kind="case_closed").count() == 5


def test_hiding_tells_the_author_why_and_restoring_that_it_is_back(comment, curator, other_user):
    services.hide_comment(moderator=curator, comment=comment, reason="Insults.")
    services.restore_comment(moderator=curator, comment=comment, reason="Reconsidered.")

    hidden, restored = Notification.objects.order_by("id")
    assert (hidden.user, hidden.kind, restored.kind) == (other_user, "comment_hidden",
                                                         "comment_restored")  # fmt: skip
    assert hidden.params == {"reason": "Insults."}
    assert hidden.text() == (
        "Your comment on “Customer care goes to a call center” was hidden. Why: Insults."
    )
    assert (
        restored.text() == "Your comment on “Customer care goes to a call center” is shown again."
    )
    assert hidden.comment_id == restored.comment_id == comment.pk
    assert kinds_of(curator) == []


def test_flags_that_hide_a_comment_tell_its_author(comment, other_user):
    for flagger in UserFactory.create_batch(3):
        services.flag_comment(user=flagger, comment=comment, reason="spam")

    [notification] = Notification.objects.all()
    assert (notification.user, notification.kind) == (other_user, "comment_hidden")
    assert notification.params == {"code": "flags", "params": {"count": 3, "reasons": ["spam"]}}
    assert notification.text().endswith(
        "Why: Hidden after flags from 3 people (spam). A curator will decide."
    )


def test_a_curator_keeping_a_flagged_comment_tells_its_author_it_is_back(comment, curator):
    for flagger in UserFactory.create_batch(3):
        services.flag_comment(user=flagger, comment=comment, reason="unkind")
    services.resolve_flags(moderator=curator, comment=comment, keep=True)

    assert kinds_of(comment.author) == ["comment_hidden", "comment_restored"]


def test_hiding_a_deleted_comment_tells_nobody(comment, curator):
    services.delete_comment(actor=comment.author, comment=comment)
    services.hide_comment(moderator=curator, comment=comment, reason="Spam.")
    assert Notification.objects.count() == 0


# --- the header's count -----------------------------------------------------------------------


def notification_queries(client, url="/rule-of-thumb/"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q for q in queries if '"accounts_notification"' in q["sql"]]


def test_the_header_counts_the_unread_in_one_query(user_client, user, other_user):
    for _ in range(3):
        notify(user)
    Notification.objects.filter(pk=notify(user).pk).update(read_at=timezone.now())
    notify(other_user)

    response, queries = notification_queries(user_client)

    assert len(queries) == 1
    assert '<span class="badge rounded-pill text-bg-primary">3<span class="visually-hidden">' \
        ' unread</span></span>' in response.text  # fmt: skip
    assert 'href="/notifications/"' in response.text


def test_the_header_shows_no_count_without_unread_and_99_plus_past_99(user_client, user):
    response, _ = notification_queries(user_client)
    assert '<span id="notification-count"></span>' in response.text

    Notification.objects.bulk_create(Notification(user=user, kind="reply") for _ in range(120))
    response, queries = notification_queries(user_client)
    assert ">99+<" in response.text and len(queries) == 1


def test_a_visitor_costs_no_notification_query(client, user):
    notify(user)
    response, queries = notification_queries(client)
    assert queries == []
    assert "notification-count" not in response.text


# --- the page ---------------------------------------------------------------------------------


def test_the_page_needs_a_login(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/notifications/"


def test_the_page_lists_ones_own_newest_first_as_sentences(user_client, user, other_user, case):
    reply = CommentFactory(case=case, author=other_user)
    notify(user, case=case, comment=reply)
    notify(user, kind="case_closed", case=case, reason="Enough said.")
    notify(other_user, kind="case_closed", case=case, reason="Not for Alice.")

    response = user_client.get(PAGE)

    text = texts_on(response)
    closed = "The discussion on “Customer care goes to a call center” is closed: Enough said."
    replied = "bob replied to your comment on “Customer care goes to a call center”."
    assert text.index(closed) < text.index(replied)
    assert "Not for Alice." not in text
    assert f'href="/comments/{reply.pk}/"' in text
    assert text.count(">Mark as read</button>") == 2


def test_the_page_shows_the_titles_in_the_readers_language(client, user, case):
    save_case_translation(
        case=case, language="de", title="Kundendienst im Callcenter", decision="D", summary="S",
        story="Die Geschichte.",
    )  # fmt: skip
    user.language = "de"
    user.save(update_fields=["language"])
    notify(user, kind="case_closed", case=case, reason="Genug.")
    client.force_login(user)

    response = client.get(PAGE)

    assert "Kundendienst im Callcenter" in response.text
    assert "Customer care goes to a call center" not in response.text


def test_the_page_is_paginated(user_client, user):
    Notification.objects.bulk_create(
        Notification(user=user, kind="reply", params={}) for _ in range(23)
    )
    first = user_client.get(PAGE)
    second = user_client.get(f"{PAGE}?page=2")
    assert first.text.count('class="notification card') == 20
    assert second.text.count('class="notification card') == 3
    assert "Page 2 of 2" in second.text


def test_an_empty_page_says_so(user_client):
    response = user_client.get(PAGE)
    assert "Nothing yet." in response.text
    assert "Mark all as read" not in response.text


# --- marking read -----------------------------------------------------------------------------


def test_mark_as_read_plain_redirects_with_a_message(user_client, user):
    notification = notify(user)

    response = user_client.post(read_url(notification), {"page": "2"})

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Marked as read."]


def test_mark_as_read_with_htmx_swaps_the_item_and_the_header_count(user_client, user, case):
    notification = notify(user, kind="case_closed", case=case, reason="Done.")
    notify(user)

    response = user_client.post(read_url(notification), headers=HTMX)

    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith(f'<li id="notification-{notification.pk}"')
    assert "notification-read" in html and "Mark as read" not in html
    assert '<span id="notification-count" data-hx-swap-oob="true">' in html
    assert ">1<span" in html  # one unread left
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_marking_someone_elses_is_403_and_changes_nothing(user_client, other_user):
    theirs = notify(other_user)
    response = user_client.post(read_url(theirs))
    assert response.status_code == 403
    assert "That notification is someone else's." in texts_on(response)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_a_missing_one_is_404(user_client):
    response = user_client.post(reverse("notification_read", kwargs={"notification_id": 999}))
    assert response.status_code == 404


def test_marking_needs_a_login_and_a_post(client, user):
    notification = notify(user)
    response = client.post(read_url(notification))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/notifications/"
    client.force_login(user)
    assert client.get(read_url(notification)).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_plain(user_client, user, other_user):
    mine = [notify(user), notify(user)]
    theirs = notify(other_user)

    response = user_client.post(READ_ALL)

    assert response.status_code == 302 and response["Location"] == PAGE
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["2 notifications marked as read."]
    assert not Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_with_htmx_renders_the_list(user_client, user):
    notify(user)

    response = user_client.post(READ_ALL, {"page": "1"}, headers=HTMX)

    html = response.text
    assert html.lstrip().startswith('<section id="notification-list"')
    assert "1 notification marked as read." in html
    assert "Mark as read" not in html
    assert '<span id="notification-count" data-hx-swap-oob="true"></span>' in html
    again = user_client.post(READ_ALL, headers=HTMX)
    assert "You had no unread notifications." in again.text


@pytest.mark.parametrize("size", [3, 30])
def test_the_page_costs_the_same_at_any_size(client, user, size, django_assert_num_queries):
    cases = [CaseFactory(language="de"), CaseFactory(), CaseFactory()]  # one needs its title
    for n in range(size):
        reply = CommentFactory(case=cases[n % 3])
        notify(user, case=cases[n % 3], comment=reply)
    client.force_login(user)
    client.get(PAGE)  # the session is cached after the first request
    # the user, the header's count, the paginator's count, the page of notifications (with
    # their cases and the replies' authors), the English titles of the German-written case
    with django_assert_num_queries(5):
        response = client.get(PAGE)
    assert response.text.count('class="notification card') == min(size, 20)
