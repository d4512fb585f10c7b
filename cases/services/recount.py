"""Rebuild every stored figure from the rows it summarises, and report what had drifted.

`manage.py recount_votes` runs it; `--check` only reports. The scan reads each kind of row in
one grouped query (or one ordered stream, for the chart), compares, and rewrites only the
cases that drifted, each again under its row lock with its rows counted anew, so that a vote
arriving during the scan is neither lost nor counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q

from cases.figures import CHART_BUCKET, bucket_of, verdict_figures
from cases.models import (
    Case,
    Comment,
    CommentVote,
    MindChange,
    PerspectiveTally,
    VerdictPoint,
    Vote,
    VoteEvent,
)
from cases.services.figures import BLIND_FIELDS, MOVED_FIELDS, TALLY_FIELDS
from cases.threads import wilson_lower_bound

COUNTED_FIELDS = [
    *TALLY_FIELDS.values(),
    *MOVED_FIELDS.values(),
    *BLIND_FIELDS.values(),
    "conditions_named",
    "event_count",
    "comment_count",
]
DERIVED_FIELDS = [
    "largest_share",
    "perspective_split",
    "verdict_shift",
    "rule_agrees",
    "rule_disagreement",
]
PointRow = tuple[int, int, int, int]  # bucket, events, votes, yes


@dataclass
class Counted:
    """One case's figures as its rows say they should be."""

    numbers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTED_FIELDS, 0))
    perspectives: dict[str, list[int]] = field(default_factory=dict)  # → [yes, no, depends]
    points: list[tuple[PointRow, Any]] = field(default_factory=list)  # (row, at)


@dataclass(frozen=True)
class Drift:
    case: Case
    field: str
    stored: Any
    counted: Any

    def __str__(self) -> str:
        return f"{self.case.slug}: {self.field} stored {self.stored!r}, counted {self.counted!r}"


def recount_votes(*, fix: bool = True) -> list[Drift]:
    """Compare every stored figure with its rows; rewrite the cases that drifted."""
    counted = _count()
    stored_perspectives = _stored_perspectives()
    stored_points = _stored_points()
    drifts: list[Drift] = []
    for case in Case.objects.order_by("pk"):
        drifts += _compare(case, counted[case.pk], stored_perspectives, stored_points)
    if fix:
        for case_id in sorted({drift.case.pk for drift in drifts}):
            _rewrite(case_id)
    from cases.services.recount_hindsight import hindsight_drift  # it imports Drift from here

    return drifts + _comment_drifts(fix=fix) + hindsight_drift(fix=fix)


def _compare(case, counted: Counted, stored_perspectives, stored_points) -> list[Drift]:
    drifts = []
    for name in COUNTED_FIELDS:
        if getattr(case, name) != counted.numbers[name]:
            drifts.append(Drift(case, name, getattr(case, name), counted.numbers[name]))
    expected = _derived(case, counted)
    for name in DERIVED_FIELDS:
        if not _same(getattr(case, name), expected[name]):
            drifts.append(Drift(case, name, getattr(case, name), expected[name]))
    perspectives = {p: tuple(n) for p, n in counted.perspectives.items() if any(n)}
    if stored_perspectives.get(case.pk, {}) != perspectives:
        drifts.append(
            Drift(case, "perspective tallies", stored_perspectives.get(case.pk, {}), perspectives)
        )
    points = [row for row, _at in counted.points]
    if stored_points.get(case.pk, []) != points:
        drifts.append(Drift(case, "chart points", len(stored_points.get(case.pk, [])), len(points)))
    return drifts


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


def _derived(case: Case, counted: Counted) -> dict[str, Any]:
    """The derived figures of the case as its counted tallies make them."""
    numbers = copy(case)
    for name in [*TALLY_FIELDS.values(), *BLIND_FIELDS.values()]:
        setattr(numbers, name, counted.numbers[name])
    return verdict_figures(numbers, [tuple(n) for n in counted.perspectives.values()])


def _count(case_ids: Iterable[int] | None = None) -> dict[int, Counted]:
    """Every case's figures from its rows, in one grouped query per kind of row."""
    counted: dict[int, Counted] = defaultdict(Counted)

    def rows(queryset):
        return queryset.filter(case_id__in=case_ids) if case_ids is not None else queryset

    moved = ~Q(choice=F("first_choice"))
    votes = (
        rows(Vote.objects.all())
        .values_list("case_id", "choice")
        .annotate(
            n=Count("pk"),
            moved=Count("pk", filter=moved),
            named=Count("pk", filter=Q(choice=Vote.Choice.DEPENDS) & ~Q(condition="")),
        )
        .order_by()
    )
    for case_id, choice, n, moved_n, named in votes:
        numbers = counted[case_id].numbers
        numbers[TALLY_FIELDS[choice]] += n
        numbers[MOVED_FIELDS[choice]] += moved_n
        numbers["conditions_named"] += named
    # The blind verdict: the first answers of the votes cast blind.
    blind = (
        rows(Vote.objects.filter(blind=True))
        .values_list("case_id", "first_choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for case_id, first_choice, n in blind:
        counted[case_id].numbers[BLIND_FIELDS[first_choice]] += n
    events = rows(VoteEvent.objects.all()).values_list("case_id").annotate(n=Count("pk"))
    for case_id, n in events.order_by():
        counted[case_id].numbers["event_count"] = n
    comments = rows(Comment.objects.visible()).values_list("case_id").annotate(n=Count("pk"))
    for case_id, n in comments.order_by():
        counted[case_id].numbers["comment_count"] = n
    by_perspective = (
        rows(Vote.objects.exclude(user__perspective=""))
        .values_list("case_id", "user__perspective", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    order = list(TALLY_FIELDS)
    for case_id, perspective, choice, n in by_perspective:
        tally = counted[case_id].perspectives.setdefault(perspective, [0, 0, 0])
        tally[order.index(choice)] += n
    _replay_chart(rows(VoteEvent.objects.all()), counted)
    return counted


def _replay_chart(events, counted: dict[int, Counted]) -> None:
    """The chart points that the case's vote events lead to, replayed in order."""
    stream = events.order_by("case_id", "created_at", "id").values_list(
        "case_id", "choice", "previous_choice", "created_at"
    )
    current, tallies, number = None, {}, 0
    for case_id, choice, previous, created_at in stream.iterator(chunk_size=10_000):
        if case_id != current:
            current, tallies, number = case_id, dict.fromkeys(TALLY_FIELDS, 0), 0
        number += 1
        if previous:
            tallies[previous] = max(0, tallies[previous] - 1)
        tallies[choice] += 1
        row = (bucket_of(number), number, sum(tallies.values()), tallies[Vote.Choice.YES])
        points = counted[case_id].points
        if (number - 1) % CHART_BUCKET == 0 or not points:
            points.append((row, created_at))
        else:
            points[-1] = (row, created_at)


def _stored_perspectives(case_ids=None) -> dict[int, dict[str, tuple[int, int, int]]]:
    stored: dict[int, dict[str, tuple[int, int, int]]] = defaultdict(dict)
    tallies = PerspectiveTally.objects.all()
    if case_ids is not None:
        tallies = tallies.filter(case_id__in=case_ids)
    for tally in tallies:
        numbers = (tally.votes_yes, tally.votes_no, tally.votes_depends)
        if any(numbers):
            stored[tally.case_id][tally.perspective] = numbers
    return stored


def _stored_points(case_ids=None) -> dict[int, list[PointRow]]:
    stored: dict[int, list[PointRow]] = defaultdict(list)
    points = VerdictPoint.objects.order_by("case_id", "bucket")
    if case_ids is not None:
        points = points.filter(case_id__in=case_ids)
    for row in points.values_list("case_id", "bucket", "events", "votes", "yes").iterator(
        chunk_size=10_000
    ):
        stored[row[0]].append(tuple(row[1:]))
    return stored


@transaction.atomic
def _rewrite(case_id: int) -> None:
    """One case's figures rewritten from its rows, counted again under its row lock."""
    case = Case.objects.select_for_update().get(pk=case_id)
    counted = _count([case_id])[case_id]
    values = {**counted.numbers, **_derived(case, counted)}
    Case.objects.filter(pk=case_id).update(**values)
    PerspectiveTally.objects.filter(case_id=case_id).delete()
    PerspectiveTally.objects.bulk_create(
        PerspectiveTally(
            case_id=case_id, perspective=p, votes_yes=n[0], votes_no=n[1], votes_depends=n[2]
        )
        for p, n in sorted(counted.perspectives.items())
        if any(n)
    )
    VerdictPoint.objects.filter(case_id=case_id).delete()
    VerdictPoint.objects.bulk_create(
        VerdictPoint(case_id=case_id, bucket=b, events=e, votes=v, yes=y, at=at)
        for (b, e, v, y), at in counted.points
    )


def _comment_counts() -> dict[int, tuple[int, int, int]]:
    """Each comment's (upvotes, downvotes, minds changed) from its rating and credit rows."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    ratings = CommentVote.objects.values_list("comment_id", "value").annotate(n=Count("pk"))
    for comment_id, value, n in ratings.order_by():
        counts[comment_id][0 if value == CommentVote.Value.UP else 1] = n
    credits = MindChange.objects.values_list("comment_id").annotate(n=Count("pk"))
    for comment_id, n in credits.order_by():
        counts[comment_id][2] = n
    return {comment_id: tuple(n) for comment_id, n in counts.items()}


COMMENT_FIELDS = ("upvotes", "downvotes", "minds_changed", "wilson")


def _comment_drifts(*, fix: bool) -> list[Drift]:
    """Comments' rating counters and Wilson scores against their rows."""
    counts = _comment_counts()
    drifts = []
    stored = (
        Comment.objects.select_related("case")
        .only("pk", *COMMENT_FIELDS, "case__slug")
        .order_by("pk")
    )
    for comment in stored.iterator(chunk_size=10_000):
        up, down, minds = counts.get(comment.pk, (0, 0, 0))
        expected = {
            "upvotes": up,
            "downvotes": down,
            "minds_changed": minds,
            "wilson": wilson_lower_bound(up, down),
        }
        wrong = [
            name for name in COMMENT_FIELDS if not _same(getattr(comment, name), expected[name])
        ]
        for name in wrong:
            drifts.append(
                Drift(
                    comment.case,
                    f"comment {comment.pk} {name}",
                    getattr(comment, name),
                    expected[name],
                )
            )
        if wrong and fix:
            _rewrite_comment(comment.pk)
    return drifts


@transaction.atomic
def _rewrite_comment(comment_id: int) -> None:
    Comment.objects.select_for_update().get(pk=comment_id)
    up = CommentVote.objects.filter(comment_id=comment_id, value=CommentVote.Value.UP).count()
    down = CommentVote.objects.filter(comment_id=comment_id, value=CommentVote.Value.DOWN).count()
    minds = MindChange.objects.filter(comment_id=comment_id).count()
    Comment.objects.filter(pk=comment_id).update(
        upvotes=up, downvotes=down, minds_changed=minds, wilson=wilson_lower_bound(up, down)
    )


@transaction.atomic
def rebuild_all_figures(*, batch_size: int = 2_000) -> int:
    """Rewrite every case's figures, perspective tallies and chart points from the rows in
    bulk, with nothing else writing (bulk loads such as `seed_load`); returns the cases done.

    A live site uses `recount_votes`, which rewrites only drifted cases, each under its lock.
    """
    counted = _count()
    cases = list(Case.objects.order_by("pk"))
    for case in cases:
        numbers = counted[case.pk]
        for name, value in {**numbers.numbers, **_derived(case, numbers)}.items():
            setattr(case, name, value)
    Case.objects.bulk_update(cases, [*COUNTED_FIELDS, *DERIVED_FIELDS], batch_size=batch_size)
    PerspectiveTally.objects.all().delete()
    PerspectiveTally.objects.bulk_create(
        (
            PerspectiveTally(
                case_id=case.pk, perspective=p, votes_yes=n[0], votes_no=n[1], votes_depends=n[2]
            )
            for case in cases
            for p, n in sorted(counted[case.pk].perspectives.items())
            if any(n)
        ),
        batch_size=batch_size,
    )
    VerdictPoint.objects.all().delete()
    VerdictPoint.objects.bulk_create(
        (
            VerdictPoint(case_id=case.pk, bucket=b, events=e, votes=v, yes=y, at=at)
            for case in cases
            for (b, e, v, y), at in counted[case.pk].points
        ),
        batch_size=batch_size,
    )
    counts = _comment_counts()
    comments = list(Comment.objects.only("pk", *COMMENT_FIELDS))
    for comment in comments:
        up, down, minds = counts.get(comment.pk, (0, 0, 0))
        comment.upvotes, comment.downvotes, comment.minds_changed = up, down, minds
        comment.wilson = wilson_lower_bound(up, down)
    Comment.objects.bulk_update(comments, list(COMMENT_FIELDS), batch_size=batch_size)
    return len(cases)
