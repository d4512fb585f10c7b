"""Moderation texts the site writes are stored as codes and shown in the reader's language.

The same rows are read by an English and a German reader (Accept-Language). What each should
see is built here from the msgids under `translation.override`, so the tests hold before and
after the German catalogue has the new sentences; where the catalogue already has a German
word (the status labels, "community flags", "Suspension lifted."), the German page must not
show the English one or a raw code.
"""

import html
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext, pgettext

from cases import services
from cases.models import Comment, ModerationLog
from tests.factories import CaseFactory, CommentFactory
from tests.helpers_flags import flag_by_people
from tests.helpers_moderation import LOG_URL, REASON

pytestmark = pytest.mark.django_db

NOTE = "Beleidigt andere — rude to others, in the curator's own words."
FLAGS_HID = (
    "Hidden after flags from %(count)d person (%(reasons)s). A curator will decide.",
    "Hidden after flags from %(count)d people (%(reasons)s). A curator will decide.",
)


@pytest.fixture(autouse=True)
def back_to_the_default_language():
    """A request activates its reader's language in this thread; later tests expect none."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def reason_word(code):
    words = {"spam": "spam", "unkind": "unkind", "misleading": "misleading"}
    return pgettext("flag reason, inside a sentence", words[code])


def flags_hid(count, *codes):
    return ngettext(*FLAGS_HID, count) % {
        "count": count,
        "reasons": ", ".join(reason_word(code) for code in codes),
    }


def status_change(old, new):
    return gettext("From “%(old)s” to “%(new)s”.") % {"old": gettext(old), "new": gettext(new)}


def kept_shown_again(count, *codes):
    return ngettext(
        "Kept after %(count)d flag (%(reasons)s): shown again.",
        "Kept after %(count)d flags (%(reasons)s): shown again.",
        count,
    ) % {"count": count, "reasons": ", ".join(reason_word(code) for code in codes)}


def text_of(markup):
    """The text a reader sees: tags out, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def log_rows_text(language):
    """The moderation log's table body as read in `language`: the select's option values
    (which are codes on purpose) are outside it."""
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(LOG_URL)
    assert response.status_code == 200
    assert response["Content-Language"] == language
    body = re.search(r"<tbody>(.*)</tbody>", response.text, re.DOTALL)
    return text_of(body[1])


def page_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return text_of(response.text)


def reader(language, user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def logged_acts(curator, case, user):
    """One of each kind of system text, and a curator's own words: flags hide a comment and
    a curator keeps it; a curator hides another in their words; a case is archived; a person
    is suspended for good and let back in without a word."""
    flagged = CommentFactory(case=case, body="Cheap watches here.")
    flag_by_people(flagged, ["spam", "spam", "spam"])
    services.resolve_flags(moderator=curator, comment=flagged, keep=True)
    services.hide_comment(moderator=curator, comment=CommentFactory(case=case), reason=NOTE)
    services.change_case_status(moderator=curator, case=CaseFactory(), status="archived")
    services.suspend_user(moderator=curator, user=user, reason=REASON, permanently=True)
    services.lift_suspension(moderator=curator, user=user)
    return flagged


def test_the_rows_store_codes_and_parameters_not_sentences(logged_acts, curator):
    rows = {row.action: row for row in ModerationLog.objects.exclude(action="hide_comment")}
    community = ModerationLog.objects.get(by_community=True)
    assert (community.action, community.moderator, community.moderator_name) == (
        "hide_comment",
        None,
        "",
    )
    assert (community.params, community.reason) == ({"count": 3, "reasons": ["spam"]}, "")
    assert ModerationLog.objects.get(action="hide_comment", by_community=False).reason == NOTE
    assert (rows["resolve_flags"].params, rows["resolve_flags"].reason) == (
        {"outcome": "shown_again", "count": 3, "reasons": ["spam"]},
        "",
    )
    assert (rows["change_case_status"].params, rows["change_case_status"].reason) == (
        {"old": "published", "new": "archived"},
        "",
    )
    assert (rows["suspend"].params, rows["suspend"].reason) == (
        {"permanently": True, "until": None},
        REASON,
    )
    assert (rows["unsuspend"].params, rows["unsuspend"].reason) == ({}, "")


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_same_rows_read_in_the_readers_language(logged_acts, language):
    text = log_rows_text(language)

    with translation.override(language):
        expected = [
            gettext("community flags"),
            flags_hid(3, "spam"),
            kept_shown_again(3, "spam"),
            status_change("Published", "Archived"),
            gettext("Permanently: %(reason)s") % {"reason": REASON},
            gettext("Suspension lifted."),
            NOTE,  # the curator's words, as typed, in every language
        ]
    for sentence in expected:
        assert sentence in text
    # No raw codes, whatever the language.
    for code in ("published → archived", "hide_comment", "resolve_flags", "shown_again"):
        assert code not in text


def test_the_english_page_reads_as_english(logged_acts):
    text = log_rows_text("en")

    for sentence in (
        "community flags",
        "Hidden after flags from 3 people (spam). A curator will decide.",
        "Kept after 3 flags (spam): shown again.",
        "From “Published” to “Archived”.",
        f"Permanently: {REASON}",
        "Suspension lifted.",
    ):
        assert sentence in text


def test_the_german_page_shows_no_english_where_german_exists(logged_acts):
    text = log_rows_text("de")

    with translation.override("de"):
        german = {
            english: gettext(english)
            for english in ("community flags", "Published", "Archived", "Suspension lifted.")
        }
    for english, translated in german.items():
        assert translated != english  # the catalogue has it: this test can tell them apart
        assert translated in text
    assert "community flags" not in text
    assert "Suspension lifted." not in text
    assert "“Published”" not in text and "“Archived”" not in text


def test_a_status_change_shows_the_translated_labels(curator, case):
    services.change_case_status(moderator=curator, case=case, status="archived")
    services.change_case_status(moderator=curator, case=case, status="published")

    assert [row.params for row in ModerationLog.objects.order_by("pk")] == [
        {"old": "published", "new": "archived"},
        {"old": "archived", "new": "published"},
    ]
    for language in ("en", "de"):
        text = log_rows_text(language)
        with translation.override(language):
            assert status_change("Published", "Archived") in text
            assert status_change("Archived", "Published") in text
        assert "published → archived" not in text and "archived → published" not in text
    assert "From “Archived” to “Published”." in log_rows_text("en")


def test_a_suspensions_end_is_written_in_the_readers_format(curator, user):
    until = timezone.now() + timedelta(days=7)
    services.suspend_user(moderator=curator, user=user, reason=REASON, until=until)

    for language in ("en", "de"):
        with translation.override(language):
            moment = date_format(timezone.localtime(until), "DATETIME_FORMAT")
            expected = gettext("Until %(until)s: %(reason)s") % {"until": moment, "reason": REASON}
        assert expected in log_rows_text(language)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_comment_hidden_by_flags_tells_its_author_why_in_their_language(
    case, other_user, language
):
    comment = CommentFactory(case=case, author=other_user, body="Cheap watches here.")
    flag_by_people(comment, ["unkind", "spam", "unkind"])
    comment.refresh_from_db()
    assert (comment.hidden_code, comment.hidden_reason) == (Comment.HiddenCode.FLAGS, "")

    text = page_text(reader(language, other_user), case.get_absolute_url())

    with translation.override(language):
        note = gettext("Only you can see this comment: it is hidden. %(reason)s") % {
            "reason": flags_hid(3, "spam", "unkind")
        }
    assert note in text
    assert "Cheap watches here." in text  # its author still reads it


def test_a_curator_hiding_after_flags_is_told_in_the_readers_language(curator, case, other_user):
    comment = CommentFactory(case=case, author=other_user)
    flag_by_people(comment, ["misleading"])
    services.resolve_flags(moderator=curator, comment=comment, keep=False)
    comment.refresh_from_db()
    assert comment.hidden_code == Comment.HiddenCode.CURATOR_AFTER_FLAGS
    assert comment.hidden_params == {"reasons": ["misleading"]}

    for language in ("en", "de"):
        text = page_text(reader(language, other_user), case.get_absolute_url())
        with translation.override(language):
            reason = gettext("Hidden by a curator after readers flagged it (%(reasons)s).") % {
                "reasons": reason_word("misleading")
            }
        assert reason in text
    assert "Hidden by a curator after readers flagged it (misleading)." in page_text(
        reader("en", other_user), case.get_absolute_url()
    )


def test_a_curators_own_words_stay_as_typed_in_both_languages(curator, case, other_user):
    comment = CommentFactory(case=case, author=other_user)
    flag_by_people(comment, ["spam", "spam", "spam"])  # hidden by flags first
    services.hide_comment(moderator=curator, comment=comment, reason=NOTE)
    comment.refresh_from_db()
    # The curator's words replace the site's code.
    assert (comment.hidden_reason, comment.hidden_code, comment.hidden_params) == (NOTE, "", {})

    for language in ("en", "de"):
        assert NOTE in page_text(reader(language, other_user), case.get_absolute_url())
        assert NOTE in log_rows_text(language)


def test_a_decision_with_a_note_keeps_the_note_verbatim(curator, comment):
    flag_by_people(comment, ["misleading"])
    services.resolve_flags(moderator=curator, comment=comment, keep=False, reason=NOTE)

    row = ModerationLog.objects.get(action="resolve_flags")
    assert row.reason == NOTE
    for language in ("en", "de"):
        text = log_rows_text(language)
        with translation.override(language):
            decision = ngettext(
                "Hidden after %(count)d flag (%(reasons)s).",
                "Hidden after %(count)d flags (%(reasons)s).",
                1,
            ) % {"count": 1, "reasons": reason_word("misleading")}
        assert decision in text and NOTE in text
    assert f"Hidden after 1 flag (misleading). {NOTE}" in log_rows_text("en")


def test_the_admin_shows_the_reason_in_the_curators_language(curator, comment):
    flag_by_people(comment, ["spam", "spam", "spam"])
    client = reader("en", curator)

    log_page = page_text(client, "/admin/cases/moderationlog/")
    assert "Hidden after flags from 3 people (spam). A curator will decide." in log_page
    comment_page = page_text(client, f"/admin/cases/comment/{comment.pk}/change/")
    assert "Hidden after flags from 3 people (spam). A curator will decide." in comment_page


def test_an_unknown_code_or_unreadable_parameters_show_the_stored_words(curator, case):
    row = ModerationLog.objects.create(
        moderator=curator,
        moderator_name="curator",
        action=ModerationLog.Action.CHANGE_CASE_STATUS,
        case=case,
        params={"old": "published"},  # "new" missing
        reason="as it was written",
    )
    assert row.describe() == "as it was written"
    assert "as it was written" in log_rows_text("de")
