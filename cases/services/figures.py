"""Keeping a case's stored figures current, inside the transaction of the write that moves them.

Votes: `apply_vote` runs in `cast_vote` with the voter's row and the case's row locked, and
changes the tallies with F() and every figure derived from them (cases/figures.py), the
blind verdict and its shift, the perspective tally, the chart point and the event count in
the same transaction. Comments:
`comment_readability_changed` moves `comment_count` with F() wherever a comment appears or
disappears. `manage.py recount_votes` (cases/services/recount.py) rebuilds all of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.figures import CHART_BUCKET, bucket_of, rule_figures, verdict_figures
from cases.models import Case, PerspectiveTally, VerdictPoint, Vote, VoteEvent

TALLY_FIELDS = {
    Vote.Choice.YES: "votes_yes",
    Vote.Choice.NO: "votes_no",
    Vote.Choice.DEPENDS: "votes_depends",
}
MOVED_FIELDS = {
    Vote.Choice.YES: "moved_yes",
    Vote.Choice.NO: "moved_no",
    Vote.Choice.DEPENDS: "moved_depends",
}

# The blind verdict: first answers of votes cast without seeing the result (Vote.blind).
BLIND_FIELDS = {
    Vote.Choice.YES: "blind_yes",
    Vote.Choice.NO: "blind_no",
    Vote.Choice.DEPENDS: "blind_depends",
}


@dataclass(frozen=True)
class VoteState:
    """What one vote contributes to the figures: its answer, first answer, condition, and
    whether it was cast blind."""

    choice: str
    first_choice: str
    condition: str
    blind: bool = False

    @classmethod
    def of(cls, vote: Vote) -> VoteState:
        return cls(vote.choice, vote.first_choice, vote.condition, vote.blind)

    @property
    def moved(self) -> bool:
        return self.choice != self.first_choice

    @property
    def names_condition(self) -> bool:
        return self.choice == Vote.Choice.DEPENDS and bool(self.condition)


def _delta(counter: dict[str, int], field: str, amount: int) -> None:
    counter[field] = counter.get(field, 0) + amount


def apply_vote(
    *, locked: Case, perspective: str, before: VoteState | None, after: VoteState
) -> None:
    """Move the case's figures from `before` (None: a new vote) to `after`.

    `locked` was read with select_for_update() in this transaction and its stored numbers
    are current: the derived figures are computed from them plus the change, while the
    counters themselves move with F(), so that the database adds up even if a caller forgot
    the lock (the recount then reports the derived figures as drifted).
    """
    deltas: dict[str, int] = {}
    answer_changed = before is None or before.choice != after.choice
    if answer_changed:
        _delta(deltas, TALLY_FIELDS[after.choice], 1)
        if before is not None:
            _delta(deltas, TALLY_FIELDS[before.choice], -1)
        _delta(deltas, "event_count", 1)
    if before is None and after.blind:  # a first answer never changes: counted once
        _delta(deltas, BLIND_FIELDS[after.first_choice], 1)
    if before is not None and before.moved:
        _delta(deltas, MOVED_FIELDS[before.choice], -1)
    if after.moved:
        _delta(deltas, MOVED_FIELDS[after.choice], 1)
    named_before = before is not None and before.names_condition
    _delta(deltas, "conditions_named", int(after.names_condition) - int(named_before))
    deltas = {field: amount for field, amount in deltas.items() if amount}
    if before == after:
        return
    deltas["page_version"] = 1  # even a new condition alone changes the page

    for field, amount in deltas.items():
        setattr(locked, field, getattr(locked, field) + amount)
    perspectives = _perspective_tallies(locked, perspective, before, after, answer_changed)
    changes = {field: F(field) + amount for field, amount in deltas.items()}
    changes.update(verdict_figures(locked, perspectives))
    Case.objects.filter(pk=locked.pk).update(**changes)
    for field, value in changes.items():
        if field not in deltas:
            setattr(locked, field, value)

    if answer_changed:
        previous = before.choice if before is not None else ""
        event = VoteEvent.objects.create(case=locked, choice=after.choice, previous_choice=previous)
        _chart_point(locked, at=event.created_at)


def _perspective_tallies(
    locked: Case,
    perspective: str,
    before: VoteState | None,
    after: VoteState,
    answer_changed: bool,
) -> list[tuple[int, int, int]]:
    """Move the voter's perspective tally and return every perspective's (yes, no, depends)."""
    rows = {
        tally.perspective: tally
        for tally in PerspectiveTally.objects.filter(case=locked).order_by("perspective")
    }
    if perspective and answer_changed:
        changes = {TALLY_FIELDS[after.choice]: 1}
        if before is not None:
            changes[TALLY_FIELDS[before.choice]] = -1
        tally = rows.get(perspective)
        if tally is None:
            tally = PerspectiveTally.objects.create(
                case=locked, perspective=perspective, **{f: max(n, 0) for f, n in changes.items()}
            )
            rows[perspective] = tally
        else:
            PerspectiveTally.objects.filter(pk=tally.pk).update(
                **{field: F(field) + amount for field, amount in changes.items()}
            )
            for field, amount in changes.items():
                setattr(tally, field, getattr(tally, field) + amount)
    return [(t.votes_yes, t.votes_no, t.votes_depends) for t in rows.values()]


def _chart_point(locked: Case, *, at) -> None:
    """Write the counts after the case's latest event into its bucket's chart point."""
    bucket = bucket_of(locked.event_count)
    values = {
        "events": locked.event_count,
        "votes": locked.vote_total,
        "yes": locked.votes_yes,
        "at": at or timezone.now(),
    }
    if (locked.event_count - 1) % CHART_BUCKET == 0:
        VerdictPoint.objects.create(case=locked, bucket=bucket, **values)
    else:
        updated = VerdictPoint.objects.filter(case=locked, bucket=bucket).update(**values)
        if not updated:  # e.g. events from before the points existed: start the bucket here
            VerdictPoint.objects.create(case=locked, bucket=bucket, **values)


def discussion_changed(*case_ids: int, comments: int = 0) -> None:
    """Something on these cases' pages changed (a comment, a rating, a perspective): bump
    `page_version`, and move `comment_count` by `comments`."""
    changes = {"page_version": F("page_version") + 1}
    if comments:
        changes["comment_count"] = F("comment_count") + comments
    Case.objects.filter(pk__in=case_ids).update(**changes)


def comment_readability_changed(*, case_id: int, was_readable: bool, is_readable: bool) -> None:
    """A comment was hidden, deleted or restored: the page changes, and `comment_count` moves
    if it appeared on or disappeared from it."""
    step = 0 if was_readable == is_readable else (1 if is_readable else -1)
    discussion_changed(case_id, comments=step)


@transaction.atomic
def refresh_rule_figures(*, case: Case) -> Case:
    """After the rule-of-thumb factors changed (review queue, admin): the rule's agreement
    with the crowd again (cases.figures.rule_figures, as every vote and the recount compute
    it), from the case's row read under its lock."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    values = rule_figures(locked)
    Case.objects.filter(pk=locked.pk).update(**values)
    for field, value in values.items():
        setattr(locked, field, value)
        setattr(case, field, value)
    return locked
