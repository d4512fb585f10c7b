"""Precedent links between cases: the services (cases/services/links.py) and the panel's read
(cases/selectors/related.py)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.utils import translation

from cases.models import Case, CaseLink, ModerationLog
from cases.selectors.related import related_cases
from cases.services import links as link_services
from cases.services.links import bump_linked_pages, link_cases, unlink_cases
from cases.services.translations import save_case_translation
from tests.factories import CaseFactory

NOTE = "The same arrangement, but disclosed to the employer."


@pytest.fixture
def pair(db):
    """Two published cases, the first with the lower id."""
    return CaseFactory(title="Survey by a call center"), CaseFactory(title="Care by a call center")


def versions(*cases):
    return [Case.objects.get(pk=case.pk).page_version for case in cases]


def link(curator, case, other, note=NOTE, **kwargs):
    return link_cases(moderator=curator, case=case, other=other, note=note, language="en", **kwargs)


# --- link_cases --------------------------------------------------------------------------


def test_a_link_is_stored_once_lower_id_first_whichever_page_it_is_made_from(curator, pair):
    low, high = pair
    made = link(curator, high, low)
    assert (made.case_a_id, made.case_b_id) == (low.pk, high.pk)
    with pytest.raises(ValidationError, match="already linked"):
        link(curator, low, high, note="Another note")
    assert list(CaseLink.objects.values_list("case_a", "case_b", "note")) == [
        (low.pk, high.pk, NOTE)
    ]


def test_linking_is_logged_and_bumps_both_pages(curator, pair):
    low, high = pair
    before = versions(low, high)
    link(curator, high, low)
    assert versions(low, high) == [before[0] + 1, before[1] + 1]
    row = ModerationLog.objects.get()
    assert (row.action, row.case_id, row.moderator, row.reason) == (
        "link_cases",
        high.pk,
        curator,
        NOTE,
    )
    assert row.params == {"other": low.slug, "title": "Survey by a call center"}
    assert row.describe() == f"Linked with “Survey by a call center”. {NOTE}"


def test_the_log_row_is_written_in_the_links_transaction(curator, pair, monkeypatch):
    def broken_log(*args, **kwargs):
        raise RuntimeError("the log is down")

    monkeypatch.setattr(link_services, "log_moderation", broken_log)
    with pytest.raises(RuntimeError):
        link(curator, *pair)
    assert not CaseLink.objects.exists()
    assert versions(*pair) == [0, 0]


def test_a_case_is_not_linked_to_itself(curator, case):
    with pytest.raises(ValidationError, match="cannot be linked to itself"):
        link(curator, case, Case.objects.get(pk=case.pk))
    assert not CaseLink.objects.exists() and not ModerationLog.objects.exists()


@pytest.mark.parametrize("status", ["draft", "pending", "archived"])
def test_only_published_cases_are_linked(curator, case, status):
    other = CaseFactory(status=status, published_at=None)
    with pytest.raises(ValidationError, match="Only published cases"):
        link(curator, case, other)
    with pytest.raises(ValidationError, match="Only published cases"):
        link(curator, other, case)
    assert not CaseLink.objects.exists() and not ModerationLog.objects.exists()


def test_only_curators_link(user, staff_without_group, pair):
    for person in (user, staff_without_group):
        with pytest.raises(PermissionDenied):
            link(person, *pair)
    assert not CaseLink.objects.exists()


def test_a_note_is_needed_and_kept_short(curator, pair):
    with pytest.raises(ValidationError, match="what differs"):
        link(curator, *pair, note="   ")
    with pytest.raises(ValidationError, match="at most 200"):
        link(curator, *pair, note="x" * 201)
    assert not CaseLink.objects.exists()


def test_the_note_is_shown_in_the_readers_language(curator, pair):
    made = link(curator, *pair, translations={"de": "Dasselbe, aber offengelegt."})
    with pytest.raises(ValidationError, match="not another language"):
        link(curator, *CaseFactory.create_batch(2), translations={"fr": "Pareil."})
    made.refresh_from_db()
    assert made.translations == {"de": "Dasselbe, aber offengelegt."}
    assert (made.text_in("de"), made.text_in("en")) == ("Dasselbe, aber offengelegt.", NOTE)


def test_empty_translations_are_left_out_and_bad_languages_refused(curator, pair):
    made = link(curator, *pair, translations={"de": "  "})
    assert CaseLink.objects.get(pk=made.pk).translations == {}
    with pytest.raises(ValidationError, match="not a language"):
        link_cases(moderator=curator, case=pair[0], other=pair[1], note=NOTE, language="xx")


# --- unlink_cases ------------------------------------------------------------------------


def test_unlinking_deletes_the_link_logs_it_and_bumps_both_pages(curator, pair):
    low, high = pair
    made = link(curator, high, low)
    before = versions(low, high)
    unlink_cases(moderator=curator, link=made, reason="Not really comparable.")
    assert not CaseLink.objects.exists()
    assert versions(low, high) == [before[0] + 1, before[1] + 1]
    row = ModerationLog.objects.filter(action="unlink_cases").get()
    assert (row.case_id, row.params["other"], row.reason) == (
        low.pk,
        high.slug,
        "Not really comparable.",
    )
    assert row.describe() == "Removed the link with “Care by a call center”. Not really comparable."
    with pytest.raises(ValidationError, match="already removed"):
        unlink_cases(moderator=curator, link=made)
    assert ModerationLog.objects.filter(action="unlink_cases").count() == 1


def test_only_curators_unlink(curator, user, pair):
    made = link(curator, *pair)
    with pytest.raises(PermissionDenied):
        unlink_cases(moderator=user, link=made)
    assert CaseLink.objects.filter(pk=made.pk).exists()


# --- bump_linked_pages -------------------------------------------------------------------


def test_bump_linked_pages_bumps_every_linked_case_in_one_update(
    curator, django_assert_num_queries
):
    lower, middle, higher, stranger = CaseFactory.create_batch(4)
    link(curator, middle, lower)  # middle is case_b here
    link(curator, middle, higher)  # and case_a here
    before = versions(lower, middle, higher, stranger)
    with django_assert_num_queries(1):
        bump_linked_pages(middle.pk)
    assert versions(lower, middle, higher, stranger) == [
        before[0] + 1,
        before[1],
        before[2] + 1,
        before[3],
    ]


# --- related_cases -----------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 4])
def test_related_cases_are_read_in_one_query(curator, django_assert_num_queries, count):
    others = CaseFactory.create_batch(count // 2)
    case = CaseFactory()
    others += CaseFactory.create_batch(count - len(others))  # on both sides of its id
    for other in others:
        link(curator, case, other, note=f"Differs from {other.slug}")
    with django_assert_num_queries(1):
        related = related_cases(case)
        html = render_to_string("cases/_related_cases.html", {"related_cases": related})
    assert len(related) == count
    for other in others:
        assert other.title in html and f"Differs from {other.slug}" in html


def test_related_cases_newest_first_published_only_with_their_tallies(curator, vote, user):
    case, first, second, later_archived = CaseFactory.create_batch(4)
    for other in (first, second, later_archived):
        link(curator, case, other, note=f"Differs from {other.title}")
    Case.objects.filter(pk=later_archived.pk).update(status="archived")
    vote(user, second, "no")
    related = related_cases(case)
    assert [item.case.pk for item in related] == [second.pk, first.pk]
    assert [item.case.vote_total for item in related] == [1, 0]
    # Seen from the other side, the link is the same.
    assert [item.case.pk for item in related_cases(second)] == [case.pk]


def test_a_german_reader_gets_titles_and_notes_in_german_in_two_queries(
    curator, django_assert_num_queries
):
    case = CaseFactory(language="de", title="Ein Fall auf Deutsch")
    others = CaseFactory.create_batch(3)
    save_case_translation(
        case=others[0],
        language="de",
        title="Umfrage durch ein Callcenter",
        decision="Umfrage → Callcenter",
        summary="Eine Firma lässt anrufen.",
        story="Eine Geschichte.",
    )
    for other in others:
        link(curator, case, other, translations={"de": "Dasselbe, aber offengelegt."})
    with translation.override("de"), django_assert_num_queries(2):
        related = related_cases(case)
        html = render_to_string("cases/_related_cases.html", {"related_cases": related})
    titles = {item.case.pk: item.case.title for item in related}
    assert titles[others[0].pk] == "Umfrage durch ein Callcenter"
    assert titles[others[1].pk] == others[1].title  # no German title: as written
    assert {item.note for item in related} == {"Dasselbe, aber offengelegt."}
    assert html.count('lang="en"') == 2  # the two English titles, marked for screen readers


def test_the_panel_shows_each_verdict_bar_and_nothing_without_links(curator, vote, user, pair):
    case, other = pair
    assert render_to_string("cases/_related_cases.html", {"related_cases": []}).strip() == ""
    link(curator, case, other)
    vote(user, other, "yes")
    html = render_to_string("cases/_related_cases.html", {"related_cases": related_cases(case)})
    assert '<section id="related"' in html and "data-hx-swap-oob" not in html
    assert f'href="{other.get_absolute_url()}"' in html
    assert 'What differs: <span lang="en">' + NOTE in html
    assert "1 vote" in html and "100&nbsp;%" in html
