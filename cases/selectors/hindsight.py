"""What the hindsight section shows (templates/cases/_hindsight.html): what happened after
the decision, the second question ("knowing what happened, did it make sense?") and, to a
reader who may see results, the foresight verdict beside the hindsight verdict; and the
curators' outcome tools (templates/cases/_outcome_tools.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.functional import SimpleLazyObject

from cases.hindsight_forms import HindsightVoteForm, OutcomeUpdateForm
from cases.models import Case, HindsightVote, OutcomeUpdate, Vote
from cases.tallies import verdict_of_counts


@dataclass(frozen=True)
class ShownUpdate:
    """An outcome update as the reader sees it: its text in their language if it has one."""

    pk: int
    happened_on: date
    text: str
    language: str  # the language `text` is in
    source_title: str
    source_url: str


def outcome_updates(case: Case) -> list[ShownUpdate]:
    """The case's updates that are not removed, oldest event first: one query on the partial
    index outcome_case_idx, none before the case's first update (outcome_known_at)."""
    if case.outcome_known_at is None:
        return []
    rows = OutcomeUpdate.objects.filter(case=case, removed_at__isnull=True).order_by(
        "happened_on", "id"
    )
    return [
        ShownUpdate(
            pk=row.pk,
            happened_on=row.happened_on,
            text=row.text_in(),
            language=row.shown_language(),
            source_title=row.source_title,
            source_url=row.source_url,
        )
        for row in rows
    ]


def hindsight_section(
    case: Case,
    viewer,
    *,
    show_result: bool,
    hindsight_vote: HindsightVote | None = None,
    form: HindsightVoteForm | None = None,
    message: str = "",
) -> dict[str, Any]:
    """The section's context, in at most two queries: the updates (only when their cached
    list is missing), and one read for the
    viewer's answers (their hindsight answer and foresight answer, unless `hindsight_vote`,
    theirs, is given). The verdicts and how many foresight voters answered again are stored
    on the case. Nothing is read for a case whose outcome is not known; the template then
    shows nothing."""
    # Read only when the template's cached list is missing (_hindsight.html): every change
    # of the updates bumps the case's page version, which is in the list's key.
    updates = SimpleLazyObject(lambda: outcome_updates(case))
    answers = _answers(case, viewer, hindsight_vote=hindsight_vote)
    mine = answers["hindsight"]
    return {
        "case": case,
        "outcome_updates": updates,
        "hindsight_open": case.outcome_known,
        "hindsight_form": form or HindsightVoteForm(initial={"choice": mine} if mine else None),
        "viewer_hindsight": mine,
        "viewer_foresight": answers["foresight"],
        "foresight_verdict": verdict_of_counts(
            case.foresight_yes, case.foresight_no, case.foresight_depends
        ),
        "hindsight_verdict": verdict_of_counts(
            case.hindsight_yes, case.hindsight_no, case.hindsight_depends
        ),
        "foresight_answered_again": case.hindsight_from_foresight,  # stored
        "show_result": show_result,
        "hindsight_message": message,
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
    }


def _answers(case: Case, viewer, *, hindsight_vote: HindsightVote | None) -> dict[str, Any]:
    """The viewer's hindsight and foresight answers (None / "" for a visitor or a reader who
    gave none), in one query on the case's row (none for a visitor)."""
    answers: dict[str, Any] = {"hindsight": None, "foresight": ""}
    if not case.outcome_known:
        return answers
    reads: dict[str, Any] = {}
    if hindsight_vote is not None:
        answers["hindsight"] = hindsight_vote.choice
        answers["foresight"] = hindsight_vote.foresight_choice
    elif viewer is not None and viewer.is_authenticated:
        reads["hindsight"] = Subquery(
            HindsightVote.objects.filter(user=viewer, case=OuterRef("pk")).values("choice")[:1]
        )
        reads["foresight"] = Subquery(
            Vote.objects.filter(user=viewer, case=OuterRef("pk")).values("foresight_choice")[:1]
        )
    if reads:
        row = Case.objects.filter(pk=case.pk).annotate(**reads).values(*reads).get()
        answers.update({name: value for name, value in row.items() if value is not None})
    return answers


def outcome_tools(
    case: Case,
    *,
    updates: list[ShownUpdate] | None = None,
    form: OutcomeUpdateForm | None = None,
    message: str = "",
    error: str = "",
) -> dict[str, Any]:
    """The curators' outcome tools: the form to add an update and each update's remove
    button. `updates`: the section's list when the page already read it (else one query)."""
    return {
        "case": case,
        "outcome_updates": outcome_updates(case) if updates is None else updates,
        "outcome_form": form or OutcomeUpdateForm(),
        "outcome_message": message,
        "outcome_error": error,
    }
