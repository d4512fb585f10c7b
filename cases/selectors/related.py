"""The "related cases" panel: the published cases linked to a case (CaseLink), each with its
stored verdict and the curator's note on what differs, in the reader's language.

One query reads every link of the case with both linked cases (a few columns each: the
title, the slug and the stored tallies the verdict bar shows), whichever side the case is on;
one more lays the titles in the reader's language over them, only when some linked case is
written in another language (cases.translations.show_case_titles). Two at most, whatever the
number of links. Newest link first: what a curator added last leads, and the order does not
change when a title is translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from cases.link_forms import LinkCaseForm
from cases.models import Case, CaseLink
from cases.translations import reader_language, show_case_titles

# What the panel reads of a linked case: its address, title, language and verdict bar.
CASE_COLUMNS = (
    "id",
    "slug",
    "blind_mode",
    "title",
    "language",
    "status",
    "votes_yes",
    "votes_no",
    "votes_depends",
)
LINK_COLUMNS = ("id", "note", "language", "translations", "created_at", "case_a", "case_b")


@dataclass(frozen=True)
class RelatedCase:
    """One linked case as the panel shows it. `case` has only CASE_COLUMNS loaded (its title
    in the reader's language where it has one): read nothing else of it in a template."""

    link_id: int
    case: Case
    note: str  # in the reader's language where the curator gave one, else as written
    note_language: str  # the language `note` is in, for its lang attribute
    linked_at: datetime


def related_cases(case: Case) -> list[RelatedCase]:
    """Every published case linked to `case`, newest link first."""
    published = Case.Status.PUBLISHED
    links = (
        CaseLink.objects.filter(
            Q(case_a=case, case_b__status=published) | Q(case_b=case, case_a__status=published)
        )
        .select_related("case_a", "case_b")
        .only(
            *LINK_COLUMNS,
            *(f"case_a__{column}" for column in CASE_COLUMNS),
            *(f"case_b__{column}" for column in CASE_COLUMNS),
        )
        .order_by("-created_at", "-id")
    )
    language = reader_language()
    related = [
        RelatedCase(
            link_id=link.pk,
            case=link.other(case.pk),
            note=link.text_in(language),
            note_language=link.shown_language(language),
            linked_at=link.created_at,
        )
        for link in links
    ]
    show_case_titles([item.case for item in related], language)
    return related


def link_tools(
    case: Case,
    related: list[RelatedCase],
    *,
    form: LinkCaseForm | None = None,
    message: str = "",
    error: str = "",
) -> dict[str, Any]:
    """The context of the curator's link tools (cases/_link_tools.html): the add form (blank,
    the note's language preset to the reader's, or as the curator sent it) and a remove
    button per link in `related`."""
    return {
        "case": case,
        "related_cases": related,
        "link_form": form or LinkCaseForm(initial={"language": reader_language()}),
        "link_message": message,
        "link_error": error,
    }
