"""The review queue (/curate/) lists the flagged comments waiting for a curator beside the
proposals: each with its case, a plain excerpt, the flags' reasons and count, and the way to
keep or hide it in the admin (cases/selectors/open_flags.py)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Flag
from cases.selectors.open_flags import counting_open_flags, flag_groups, flagged_comments
from tests.factories import CaseFactory, CommentFactory, UserFactory
from tests.helpers_flags import flag, flag_by_people

QUEUE = "/curate/"


def flagged_section(html: str) -> str:
    return re.search(r'<section id="flagged-comments".*?</section>', html, re.S).group(0)


def test_open_flags_are_listed_with_case_excerpt_reasons_and_count(curator_client, comment, case):
    flag_by_people(comment, ["unkind", "spam"])

    section = flagged_section(curator_client.get(QUEUE).text)

    assert "1 flagged comment waits for a curator" in section
    assert f'id="flagged-comment-{comment.pk}"' in section
    assert f'href="{case.get_absolute_url()}">{case.title}</a>' in section
    assert "You are all idiots." in section  # plain text: the Markdown's markup is gone
    assert "<em>" not in section
    assert "2 flags: Spam, Unkind" in section  # the reasons in the order of the choices
    assert f'href="{comment.get_absolute_url()}"' in section
    assert f'href="/admin/cases/flag/?comment__id__exact={comment.pk}"' in section
    assert "visible" in section


def test_a_comment_the_flags_hid_is_listed_as_hidden_by_flags(curator_client, comment):
    flag_by_people(comment, ["unkind", "unkind", "spam"])  # three people hide it

    section = flagged_section(curator_client.get(QUEUE).text)

    assert "3 flags: Spam, Unkind" in section
    assert "hidden by flags" in section


def test_resolved_flags_are_not_listed(curator_client, curator, comment, case):
    kept = CommentFactory(case=case, body="Another comment, kept after its flag.")
    flag_by_people(comment, ["spam"])
    flag(UserFactory(username="flagger-kept"), kept, "off_topic")
    services.resolve_flags(moderator=curator, comment=kept, keep=True)

    section = flagged_section(curator_client.get(QUEUE).text)

    assert f'id="flagged-comment-{comment.pk}"' in section
    assert f'id="flagged-comment-{kept.pk}"' not in section
    assert "1 flagged comment waits" in section


def test_flags_that_do_not_count_toward_hiding_are_not_listed(curator_client, comment):
    flag(UserFactory(username="newcomer", new=True), comment, "spam")
    assert not Flag.objects.get().counts_toward_hiding

    section = flagged_section(curator_client.get(QUEUE).text)

    assert "No flagged comments are waiting." in section
    assert "0 flagged comments wait for a curator" in section


def test_the_oldest_flag_comes_first_and_the_list_is_capped(curator_client, case, settings):
    comments = [CommentFactory(case=case, body=f"Flagged comment {i}") for i in range(4)]
    for comment in reversed(comments):  # the last comment is flagged first
        flag(UserFactory(username=f"flagger-{comment.pk}"), comment, "spam")

    listed, total = flagged_comments(limit=3)

    assert total == 4
    assert [item.comment for item in listed] == comments[::-1][:3]


def test_more_than_the_page_shows_links_to_all_of_them_in_the_admin(curator_client, case):
    for i in range(21):
        comment = CommentFactory(case=case, body=f"Flagged comment {i}")
        flag(UserFactory(username=f"flagger-many-{i}"), comment, "spam")

    section = flagged_section(curator_client.get(QUEUE).text)

    assert section.count('class="flagged-comment ') == 20
    assert "21 flagged comments wait for a curator" in section
    assert (
        'href="/admin/cases/flag/?state=open">All 21 flagged comments in the admin</a>' in section
    )


def test_the_queries_do_not_grow_with_the_flags(curator_client, case):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(QUEUE).status_code == 200
        return len(queries)

    first = CommentFactory(case=case)
    flag_by_people(first, ["spam", "unkind"])
    few = count()
    other_case = CaseFactory()
    for i in range(5):
        comment = CommentFactory(case=other_case if i % 2 else case)
        flag_by_people(comment, ["spam", "misleading", "off_topic"][: i % 3 + 1])

    assert count() == few


def test_the_list_reads_the_partial_index(db, comment):
    flag_by_people(comment, ["spam"])
    reads = [
        flag_groups()[:20],
        counting_open_flags().filter(comment_id__in=[comment.pk]).values_list("reason"),
    ]
    if connection.vendor == "postgresql":  # a few rows: only a plan without seq scans counts
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")

    for read in reads:
        plan = read.explain()
        assert "flag_open_counting_idx" in plan, plan


def test_the_admin_link_shows_that_comments_open_flags(curator_client, comment, case):
    flag_by_people(comment, ["spam"])
    other = CommentFactory(case=case, body="Someone else's flagged comment")
    flag(UserFactory(username="flagger-other"), other, "unkind")

    response = curator_client.get(f"/admin/cases/flag/?comment__id__exact={comment.pk}")

    assert response.status_code == 200
    assert "You are all" in response.text
    assert "Someone else's flagged comment" not in response.text


@pytest.mark.parametrize("who", ["visitor", "member", "staff without the group"])
def test_only_curators_see_the_flagged_comments(client, comment, who, staff_without_group):
    flag_by_people(comment, ["spam"])
    if who == "member":
        client.force_login(UserFactory(username="member"))
    elif who == "staff without the group":
        client.force_login(staff_without_group)

    response = client.get(QUEUE)

    if who == "visitor":
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/curate/"
    else:
        assert response.status_code == 403
        assert "You are all" not in response.text
