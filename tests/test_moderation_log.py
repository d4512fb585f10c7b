"""The public moderation log: every curator's act (and readers' flags), newest first."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import ModerationLog
from tests.factories import CaseFactory, CommentFactory, UserFactory
from tests.helpers_moderation import LOG_URL, REASON


def make_rows(count, *, moderator, case, action=ModerationLog.Action.CLOSE):
    rows = ModerationLog.objects.bulk_create(
        ModerationLog(
            moderator=moderator,
            moderator_name=moderator.username,
            action=action,
            case=case,
            reason=f"reason {i:03d}",
        )
        for i in range(count)
    )
    # created_at is auto_now_add; spread the rows out so "newest first" is visible.
    now = timezone.now()
    for i, row in enumerate(rows):
        ModerationLog.objects.filter(pk=row.pk).update(created_at=now - timedelta(minutes=i))
    return rows


def test_the_log_is_public_and_newest_first(client, curator, case):
    make_rows(3, moderator=curator, case=case)
    response = client.get(LOG_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("reason 000") < page.index("reason 001") < page.index("reason 002")
    assert "Closed a case" in page
    assert f'href="{case.get_absolute_url()}"' in page
    # Each row's "who" cell names the curator (the page says "curators" elsewhere anyway).
    assert len(re.findall(r"<td>\s*curator\s*</td>", page)) == 3


def test_the_log_is_paginated_by_fifty(client, curator, case):
    make_rows(51, moderator=curator, case=case)
    first = client.get(LOG_URL)
    assert len(first.context["page"].object_list) == 50
    assert first.context["page"].paginator.num_pages == 2
    assert "reason 049" in first.text and "reason 050" not in first.text
    second = client.get(LOG_URL, {"page": 2})
    assert second.status_code == 200
    assert "reason 050" in second.text and "reason 000" not in second.text


def test_the_log_filters_by_kind_of_act(client, curator, case, user):
    make_rows(2, moderator=curator, case=case)
    services.suspend_user(moderator=curator, user=user, reason=REASON, permanently=True)

    response = client.get(LOG_URL, {"action": "suspend"})
    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [row.action for row in rows] == ["suspend"]
    assert "alice" in response.text and REASON in response.text
    assert "reason 000" not in response.text
    assert '<option value="suspend" selected>' in response.text
    # The filter is kept in the pagination links.
    assert len(client.get(LOG_URL, {"action": ""}).context["page"].object_list) == 3


def test_an_unknown_kind_of_act_is_a_400_with_the_reason(client):
    response = client.get(LOG_URL, {"action": "burn"})
    assert response.status_code == 400
    assert "“burn” is not a kind of moderation act." in response.text


def test_a_hidden_comments_text_never_shows_but_its_reason_does(client, curator, case):
    comment = CommentFactory(case=case, body="Secret insult nobody should read again.")
    services.hide_comment(moderator=curator, comment=comment, reason="Personal attack.")

    response = client.get(LOG_URL)
    page = response.text
    assert "Secret insult" not in page
    assert "Personal attack." in page
    assert "Hid a comment" in page
    assert "a comment on" in page and case.title in page


def test_community_flags_are_named_so(client, curator, case):
    comment = CommentFactory(case=case, body="Buy cheap watches here.")
    for i in range(services.FLAGS_TO_HIDE):
        reader = UserFactory(username=f"reader{i}")
        services.flag_comment(user=reader, comment=comment, reason="spam")
    page = client.get(LOG_URL).text
    assert re.search(r"<td>\s*community flags\s*</td>", page)
    assert "Hidden after flags from 3 people (spam). A curator will decide." in page
    assert "Buy cheap watches" not in page


def test_a_community_row_names_no_moderator(curator, case):
    # The community is a flag on the row, not a name to compare against; the database
    # refuses a row that is both the community's and a curator's.
    with pytest.raises(IntegrityError), transaction.atomic():
        ModerationLog.objects.create(
            moderator=curator,
            moderator_name=curator.username,
            by_community=True,
            action=ModerationLog.Action.HIDE_COMMENT,
            case=case,
        )


def test_unpublished_cases_are_neither_named_nor_linked(client, curator):
    # A rejected proposal's title is the proposer's business, not the public's.
    draft = CaseFactory(slug="a-draft", title="A proposal in the works", draft=True)
    make_rows(1, moderator=curator, case=draft, action=ModerationLog.Action.REJECT)
    page = client.get(LOG_URL).text
    assert "A proposal in the works" not in page
    assert "an unpublished case" in page
    assert f'href="{draft.get_absolute_url()}"' not in page


def test_the_log_takes_a_constant_number_of_queries(client, curator, case):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOG_URL).status_code == 200
        return len(queries)

    def add_mixed_rows(n):
        for i in range(n):
            other_case = CaseFactory()
            comment = CommentFactory(case=other_case)
            services.hide_comment(moderator=curator, comment=comment, reason=f"hidden {i}")
            person = UserFactory()
            services.suspend_user(moderator=curator, user=person, reason="r", permanently=True)

    add_mixed_rows(2)
    small = count_queries()
    add_mixed_rows(8)
    assert count_queries() == small


def test_the_nav_links_to_the_log(client, case):
    assert f'href="{LOG_URL}"' in client.get(reverse("cases:list")).text
