"""The hindsight figures against their rows: the foresight verdict (Vote.foresight_choice),
the hindsight verdict (HindsightVote.choice) and how many foresight voters answer it
differently (HindsightVote.foresight_choice ≠ choice). Part of `manage.py recount_votes`.

One grouped query per kind of row, compared with every case's stored numbers; a case that
drifted is rewritten under its row lock from its rows counted anew, so that an answer
arriving during the scan is neither lost nor counted twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Q

from cases.models import Case, HindsightVote, Vote
from cases.services.hindsight import FORESIGHT_FIELDS, HINDSIGHT_FIELDS
from cases.services.recount import Drift

HINDSIGHT_COUNTED = [
    *FORESIGHT_FIELDS.values(),
    *HINDSIGHT_FIELDS.values(),
    "hindsight_changed",
    "hindsight_from_foresight",
]


def hindsight_drift(*, fix: bool) -> list[Drift]:
    """Compare every case's foresight and hindsight figures with their rows; with `fix`,
    rewrite the cases that drifted."""
    counted = _count()
    drifts: list[Drift] = []
    for case in Case.objects.only("pk", "slug", *HINDSIGHT_COUNTED).order_by("pk"):
        numbers = counted.get(case.pk, {})
        for name in HINDSIGHT_COUNTED:
            expected = numbers.get(name, 0)
            if getattr(case, name) != expected:
                drifts.append(Drift(case, name, getattr(case, name), expected))
    if fix:
        for case_id in sorted({drift.case.pk for drift in drifts}):
            _rewrite(case_id)
    return drifts


def _count(case_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Each case's foresight and hindsight figures from its rows (cases without rows: none)."""
    counted: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(HINDSIGHT_COUNTED, 0))

    def rows(queryset):
        return queryset.filter(case_id__in=case_ids) if case_ids is not None else queryset

    foresight = (
        rows(Vote.objects.exclude(foresight_choice=""))
        .values_list("case_id", "foresight_choice")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for case_id, choice, n in foresight:
        counted[case_id][FORESIGHT_FIELDS[choice]] += n
    changed = ~Q(foresight_choice="") & ~Q(foresight_choice=F("choice"))
    hindsight = (
        rows(HindsightVote.objects.all())
        .values_list("case_id", "choice")
        .annotate(
            n=Count("pk"),
            changed=Count("pk", filter=changed),
            from_foresight=Count("pk", filter=~Q(foresight_choice="")),
        )
        .order_by()
    )
    for case_id, choice, n, changed_n, from_foresight in hindsight:
        counted[case_id][HINDSIGHT_FIELDS[choice]] += n
        counted[case_id]["hindsight_changed"] += changed_n
        counted[case_id]["hindsight_from_foresight"] += from_foresight
    return counted


@transaction.atomic
def _rewrite(case_id: int) -> None:
    """One case's figures rewritten from its rows, counted again under its row lock."""
    Case.objects.select_for_update().filter(pk=case_id).values_list("pk").get()
    numbers = _count([case_id]).get(case_id) or dict.fromkeys(HINDSIGHT_COUNTED, 0)
    Case.objects.filter(pk=case_id).update(**numbers, page_version=F("page_version") + 1)
