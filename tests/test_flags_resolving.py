"""Flags: curators resolve them, keeping or hiding the comment (the service and the admin).
Fixture `comment`: tests/conftest.py."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import Comment, Flag, ModerationLog
from tests.factories import CaseFactory, CommentFactory
from tests.helpers_flags import flag, flag_by_people

# --- the service: curators resolve --------------------------------------------------------


def test_keep_restores_a_comment_the_flags_hid_and_logs_it(curator, comment):
    flag_by_people(comment, ["spam", "unkind", "unkind"])

    count = services.resolve_flags(moderator=curator, comment=comment, keep=True)

    assert count == 3
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert (comment.hidden_reason, comment.hidden_code, comment.hidden_params) == ("", "", {})
    flags = Flag.objects.filter(comment=comment)
    assert {f.resolution for f in flags} == {Flag.Resolution.KEPT}
    assert all(f.resolved_by == curator and f.resolved_at for f in flags)
    log = ModerationLog.objects.get(action=ModerationLog.Action.RESOLVE_FLAGS)
    assert log.moderator == curator
    assert log.comment == comment
    assert log.params == {"outcome": "shown_again", "count": 3, "reasons": ["spam", "unkind"]}
    assert log.reason == ""
    assert log.describe() == "Kept after 3 flags (spam, unkind): shown again."


def test_keep_does_not_undo_a_curators_hiding(curator, user, comment):
    flag(user, comment, "spam")
    services.hide_comment(moderator=curator, comment=comment, reason="Insult")

    services.resolve_flags(moderator=curator, comment=comment, keep=True)

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert (comment.hidden_reason, comment.hidden_code) == ("Insult", "")
    log = ModerationLog.objects.get(action="resolve_flags")
    assert log.params["outcome"] == "stays_hidden"
    assert "stays hidden" in log.describe()


def test_hide_keeps_it_hidden_now_by_the_curator(curator, comment):
    flag_by_people(comment, ["spam", "unkind", "misleading"])
    hidden_at = Comment.objects.get(pk=comment.pk).hidden_at

    count = services.resolve_flags(moderator=curator, comment=comment, keep=False)

    assert count == 3
    comment.refresh_from_db()
    assert comment.hidden_at == hidden_at
    assert comment.hidden_by == curator
    assert comment.hidden_reason == ""
    assert comment.hidden_code == Comment.HiddenCode.CURATOR_AFTER_FLAGS
    assert comment.hidden_params == {"reasons": ["spam", "unkind", "misleading"]}
    assert comment.hidden_reason_text() == (
        "Hidden by a curator after readers flagged it (spam, unkind, misleading)."
    )
    assert set(Flag.objects.values_list("resolution", flat=True)) == {Flag.Resolution.HIDDEN}
    log = ModerationLog.objects.get(action=ModerationLog.Action.RESOLVE_FLAGS)
    assert log.moderator == curator
    assert (log.params["outcome"], log.params["count"], log.reason) == ("hidden", 3, "")
    assert log.describe() == "Hidden after 3 flags (spam, unkind, misleading)."


def test_hide_with_a_reason_hides_a_visible_comment_with_that_reason(curator, user, comment):
    flag(user, comment, "misleading")

    services.resolve_flags(moderator=curator, comment=comment, keep=False, reason="Made up.")

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert (comment.hidden_by, comment.hidden_reason, comment.hidden_code) == (
        curator,
        "Made up.",
        "",
    )
    log = ModerationLog.objects.get()
    # The curator's words stay as typed; the site's part is codes.
    assert log.reason == "Made up."
    assert log.params == {"outcome": "hidden", "count": 1, "reasons": ["misleading"]}
    assert log.describe() == "Hidden after 1 flag (misleading). Made up."


def test_resolving_without_open_flags_does_nothing(curator, comment):
    assert services.resolve_flags(moderator=curator, comment=comment, keep=False) == 0

    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not ModerationLog.objects.exists()


def test_only_curators_resolve_flags(user, staff_without_group, comment):
    flag_by_people(comment, ["spam"])

    for person in (user, staff_without_group):
        with pytest.raises(PermissionDenied):
            services.resolve_flags(moderator=person, comment=comment, keep=True)

    assert not Flag.objects.filter(resolved_at__isnull=False).exists()


# --- the admin ----------------------------------------------------------------------------


def admin_action(client, action, flags):
    return client.post(
        "/admin/cases/flag/",
        {"action": action, "_selected_action": [str(f.pk) for f in flags]},
        follow=True,
    )


def test_curator_sees_the_open_flags_with_the_case_and_the_reason(curator_client, comment, case):
    flag_by_people(comment, ["unkind", "misleading"])

    response = curator_client.get("/admin/cases/flag/")

    assert response.status_code == 200
    assert case.title in response.text
    assert "Unkind" in response.text
    assert "Misleading" in response.text
    assert "You are all *idiots*." in response.text
    assert "/admin/cases/flag/add/" not in response.text


def test_resolved_flags_leave_the_default_list(curator_client, curator, comment, case):
    flag_by_people(comment, ["off_topic"])
    services.resolve_flags(moderator=curator, comment=comment, keep=True)

    default = curator_client.get("/admin/cases/flag/")
    resolved = curator_client.get("/admin/cases/flag/?state=resolved")

    assert "0 flags" in default.text
    assert case.title in resolved.text
    assert "Off-topic" in resolved.text


def test_flag_list_queries_do_not_grow_with_the_flags(curator_client, case):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get("/admin/cases/flag/").status_code == 200
        return len(queries)

    flag_by_people(CommentFactory(case=case), ["spam"])
    few = count_queries()
    for _ in range(3):
        flag_by_people(CommentFactory(case=CaseFactory()), ["spam", "unkind"])

    assert count_queries() == few


def test_keep_action_restores_and_resolves(curator_client, curator, comment, client):
    flags = flag_by_people(comment, ["spam", "unkind", "spam"])

    response = admin_action(curator_client, "keep_comments", flags[:1])

    assert "1 comment kept. 3 flags resolved." in response.text
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"kept"}
    log = ModerationLog.objects.get(action=ModerationLog.Action.RESOLVE_FLAGS)
    assert log.moderator == curator


def test_hide_action_hides_each_comment_once(curator_client, curator, comment, case):
    second = CommentFactory(case=case, body="Buy cheap watches.")
    flags = flag_by_people(comment, ["unkind", "unkind"]) + flag_by_people(second, ["spam"])

    response = admin_action(curator_client, "hide_comments", flags)

    assert "2 comments hidden. 3 flags resolved." in response.text
    for hidden in (comment, second):
        hidden.refresh_from_db()
        assert hidden.hidden_at is not None
        assert hidden.hidden_by == curator
    assert ModerationLog.objects.filter(action="resolve_flags").count() == 2


def test_staff_without_the_curators_group_cannot_see_or_resolve_flags(
    client, staff_without_group, comment
):
    flags = flag_by_people(comment, ["spam"])
    client.force_login(staff_without_group)

    listing = client.get("/admin/cases/flag/")
    action = client.post(
        "/admin/cases/flag/", {"action": "hide_comments", "_selected_action": [flags[0].pk]}
    )

    assert listing.status_code == 403
    assert action.status_code == 403
    assert not Flag.objects.filter(resolved_at__isnull=False).exists()


def test_curator_cannot_add_or_change_flags(curator_client, user, comment):
    made = flag(user, comment)

    assert curator_client.get("/admin/cases/flag/add/").status_code == 403
    assert (
        curator_client.post(f"/admin/cases/flag/{made.pk}/change/", {"reason": "spam"}).status_code
        == 403
    )
    assert (
        curator_client.post(f"/admin/cases/flag/{made.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Flag.objects.get().reason == "unkind"


def test_comment_admin_shows_its_flags(curator_client, user, comment):
    flag(user, comment, "misleading", note="Wrong year")

    response = curator_client.get(f"/admin/cases/comment/{comment.pk}/change/")

    assert response.status_code == 200
    assert "Wrong year" in response.text
    assert "Misleading" in response.text
