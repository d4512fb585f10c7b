"""A reader's perspective: changing it moves their votes between the perspective tallies."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from cases.figures import perspective_split
from cases.models import Case, PerspectiveTally, Vote
from cases.services.figures import TALLY_FIELDS, discussion_changed


@transaction.atomic
def set_perspective(*, user: User, perspective: str) -> User:
    """Set or clear ("") how the user looks at outsourcing, and move each of their votes from
    the old perspective's tally to the new one's, with the cases' `perspective_split`.

    Locks the user's row, then the cases they voted on in id order: the order cast_vote
    takes its locks in, so the two never deadlock and no vote is tallied twice or lost.
    """
    if perspective not in ("", *User.Perspective.values):
        raise ValidationError(_("“%(value)s” is not a perspective.") % {"value": perspective})
    old = User.objects.select_for_update().values_list("perspective", flat=True).get(pk=user.pk)
    user.perspective = perspective
    if old == perspective:
        return user
    User.objects.filter(pk=user.pk).update(perspective=perspective)
    case_ids = list(
        Case.objects.select_for_update()
        .filter(votes__user=user)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not case_ids:
        return user
    by_choice: dict[str, list[int]] = defaultdict(list)
    for case_id, choice in Vote.objects.filter(user=user).values_list("case_id", "choice"):
        by_choice[choice].append(case_id)
    if old:
        for choice, ids in by_choice.items():
            field = TALLY_FIELDS[choice]
            PerspectiveTally.objects.filter(case_id__in=ids, perspective=old).update(
                **{field: F(field) - 1}
            )
    if perspective:
        existing = set(
            PerspectiveTally.objects.filter(
                case_id__in=case_ids, perspective=perspective
            ).values_list("case_id", flat=True)
        )
        PerspectiveTally.objects.bulk_create(
            PerspectiveTally(case_id=case_id, perspective=perspective)
            for case_id in case_ids
            if case_id not in existing
        )
        for choice, ids in by_choice.items():
            field = TALLY_FIELDS[choice]
            PerspectiveTally.objects.filter(case_id__in=ids, perspective=perspective).update(
                **{field: F(field) + 1}
            )
    _update_splits(case_ids)
    discussion_changed(*case_ids)
    return user


def _update_splits(case_ids: list[int]) -> None:
    tallies: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for case_id, yes, no, depends in PerspectiveTally.objects.filter(
        case_id__in=case_ids
    ).values_list("case_id", "votes_yes", "votes_no", "votes_depends"):
        tallies[case_id].append((yes, no, depends))
    stored = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "perspective_split"))
    for case_id in case_ids:
        split = perspective_split(tallies[case_id])
        if split != stored[case_id]:
            Case.objects.filter(pk=case_id).update(perspective_split=split)
