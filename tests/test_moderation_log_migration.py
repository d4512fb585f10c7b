"""Migration 0012: the old stored texts become codes and parameters, and back.

Rows are made with today's services, the migration is taken back (writing the old English
texts, as the old code did) and applied again (recognising them): each row must come back as
it was, and the old texts must be the ones the old code wrote.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases import services
from cases.models import Comment, ModerationLog
from tests.factories import CaseFactory, CommentFactory, UserFactory
from tests.helpers_flags import flag_by_people

BEFORE = [("cases", "0011_case_translations")]
COLUMNS = ["action", "moderator_name", "by_community", "params", "reason"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_old_texts_become_codes_and_back(curators_group):
    curator = UserFactory(username="curator", is_staff=True)
    curator.groups.add(curators_group)
    case = CaseFactory()
    by_flags = CommentFactory(case=case)
    flag_by_people(by_flags, ["unkind", "spam", "unkind"])
    after_flags = CommentFactory(case=case)
    flag_by_people(after_flags, ["misleading"])
    services.resolve_flags(moderator=curator, comment=after_flags, keep=False)
    typed = CommentFactory(case=case)
    services.hide_comment(moderator=curator, comment=typed, reason="Doxxing: a home address.")
    services.change_case_status(moderator=curator, case=CaseFactory(), status="archived")
    until = (timezone.now() + timedelta(days=7)).replace(second=0, microsecond=0)
    services.suspend_user(moderator=curator, user=UserFactory(), reason="Rude: twice", until=until)
    lifted = UserFactory()
    services.suspend_user(moderator=curator, user=lifted, reason="Spam", permanently=True)
    services.lift_suspension(moderator=curator, user=lifted)
    rows = {pk: values for pk, *values in ModerationLog.objects.values_list("pk", *COLUMNS)}
    hidden = {
        comment.pk: (comment.hidden_code, comment.hidden_params, comment.hidden_reason)
        for comment in Comment.objects.filter(hidden_at__isnull=False)
    }
    leaves = latest()

    try:
        old = migrate(BEFORE)
        old_log = old.get_model("cases", "ModerationLog")
        old_texts = {row.action: row for row in old_log.objects.exclude(action="hide_comment")}
        community = old_log.objects.get(action="hide_comment", moderator__isnull=True)
        assert (community.moderator_name, community.reason) == (
            "community flags",
            "Hidden after flags from 3 people (spam, unkind). A curator will decide.",
        )
        assert old_texts["resolve_flags"].reason == "Hidden after 1 flag (misleading)."
        assert old_texts["change_case_status"].reason == "published → archived"
        assert old_texts["unsuspend"].reason == "Suspension lifted."
        suspensions = old_log.objects.filter(action="suspend").order_by("pk")
        assert suspensions[0].reason.startswith("Until ")
        assert suspensions[0].reason.endswith(": Rude: twice")
        assert suspensions[1].reason == "Permanently: Spam"
        old_comments = old.get_model("cases", "Comment").objects
        assert old_comments.get(pk=by_flags.pk).hidden_reason == (
            "Hidden after flags from 3 people (spam, unkind). A curator will decide."
        )
        assert old_comments.get(pk=after_flags.pk).hidden_reason == (
            "Hidden by a curator after readers flagged it (misleading)."
        )
        assert old_comments.get(pk=typed.pk).hidden_reason == "Doxxing: a home address."
        # An old text nobody can read as codes stays as it was.
        odd = old_log.objects.create(
            moderator_name="curator", action="change_case_status", reason="moved by hand"
        )
    finally:
        migrate(leaves)

    again = {pk: values for pk, *values in ModerationLog.objects.values_list("pk", *COLUMNS)}
    assert again.pop(odd.pk) == ["change_case_status", "curator", False, {}, "moved by hand"]
    assert again == rows
    assert {
        comment.pk: (comment.hidden_code, comment.hidden_params, comment.hidden_reason)
        for comment in Comment.objects.filter(hidden_at__isnull=False)
    } == hidden
    assert ModerationLog.objects.get(action="suspend", params__permanently=False).params == {
        "permanently": False,
        "until": until.isoformat(),
    }
