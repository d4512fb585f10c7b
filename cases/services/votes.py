"""Verdicts on cases: casting and changing votes, crediting the comment that changed a mind."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Comment, MindChange, Vote, VoteEvent
from cases.services.permissions import check_can_participate

TALLY_FIELDS = {
    Vote.Choice.YES: "votes_yes",
    Vote.Choice.NO: "votes_no",
    Vote.Choice.DEPENDS: "votes_depends",
}
CONDITION_MAX_LENGTH = 200


@dataclass(frozen=True)
class VoteOutcome:
    vote: Vote
    previous_choice: str | None

    @property
    def is_new(self) -> bool:
        return self.previous_choice is None

    @property
    def changed(self) -> bool:
        return self.previous_choice is not None and self.previous_choice != self.vote.choice


@transaction.atomic
def cast_vote(*, user: User, case: Case, choice: str, condition: str = "") -> VoteOutcome:
    """Record the user's verdict on a case; voting again changes it, never adds one.

    `condition` says what "It depends" depends on; other answers drop it.
    """
    if choice not in TALLY_FIELDS:
        raise ValidationError(_("“%(choice)s” is not an answer.") % {"choice": choice})
    condition = condition.strip() if choice == Vote.Choice.DEPENDS else ""
    if len(condition) > CONDITION_MAX_LENGTH:
        raise ValidationError(_("Say what it depends on in at most 200 characters."))
    # Locking the case serialises votes on it (SQLite's IMMEDIATE transactions already do),
    # so the tallies and the one-vote rule cannot race.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_participate(user=user, case=locked)

    vote = Vote.objects.filter(user=user, case=locked).first()
    if vote is None:
        vote = Vote.objects.create(
            user=user, case=locked, choice=choice, first_choice=choice, condition=condition
        )
        _shift_tallies(locked, add=choice)
        VoteEvent.objects.create(case=locked, choice=choice)
        previous = None
    elif vote.choice == choice:
        previous = choice
        if vote.condition != condition:
            vote.condition = condition
            vote.save(update_fields=["condition", "updated_at"])
    else:
        previous = vote.choice
        vote.previous_choice = previous
        vote.choice = choice
        vote.condition = condition
        vote.change_count = F("change_count") + 1
        vote.save(
            update_fields=["choice", "previous_choice", "condition", "change_count", "updated_at"]
        )
        vote.refresh_from_db(fields=["change_count"])
        _shift_tallies(locked, add=choice, remove=previous)
        VoteEvent.objects.create(case=locked, choice=choice, previous_choice=previous)
    case.refresh_from_db(fields=list(TALLY_FIELDS.values()))
    return VoteOutcome(vote=vote, previous_choice=previous)


def _shift_tallies(case: Case, *, add: str, remove: str | None = None) -> None:
    changes = {TALLY_FIELDS[add]: F(TALLY_FIELDS[add]) + 1}
    if remove:
        changes[TALLY_FIELDS[remove]] = F(TALLY_FIELDS[remove]) - 1
    Case.objects.filter(pk=case.pk).update(**changes)


def mind_change_pending(vote: Vote | None) -> bool:
    """Has the voter changed their answer since they last credited a comment?"""
    return vote is not None and vote.change_count > vote.credited_change


@transaction.atomic
def credit_mind_change(*, user: User, case: Case, comment: Comment) -> MindChange:
    """The voter says this comment changed their mind: once per real change of vote."""
    locked_case = Case.objects.select_for_update().get(pk=case.pk)
    check_can_participate(user=user, case=locked_case)
    vote = Vote.objects.select_for_update().filter(user=user, case=locked_case).first()
    if not mind_change_pending(vote):
        raise PermissionDenied(
            _("Only a change of your vote can credit a comment, and only once per change.")
        )
    if comment.case_id != locked_case.pk:
        raise ValidationError(_("That comment belongs to another case."))
    if comment.author_id == user.pk:
        raise ValidationError(_("Your own comment cannot change your mind."))
    if comment.is_hidden or comment.is_deleted:
        raise ValidationError(_("That comment is no longer shown."))
    mind_change = MindChange.objects.create(
        user=user,
        case=locked_case,
        comment=comment,
        change_number=vote.change_count,
        from_choice=vote.previous_choice,
        to_choice=vote.choice,
    )
    vote.credited_change = vote.change_count
    vote.save(update_fields=["credited_change"])
    Comment.objects.filter(pk=comment.pk).update(minds_changed=F("minds_changed") + 1)
    comment.refresh_from_db(fields=["minds_changed"])
    return mind_change


@dataclass(frozen=True)
class TallyDrift:
    case: Case
    stored: tuple[int, int, int]
    counted: tuple[int, int, int]


def recount_votes(*, fix: bool = True) -> list[TallyDrift]:
    """Compare every case's stored tallies with its vote rows; rewrite the ones that drifted."""
    drifts = []
    counted_cases = Case.objects.annotate(
        counted_yes=Count("votes", filter=Q(votes__choice=Vote.Choice.YES)),
        counted_no=Count("votes", filter=Q(votes__choice=Vote.Choice.NO)),
        counted_depends=Count("votes", filter=Q(votes__choice=Vote.Choice.DEPENDS)),
    ).order_by("pk")
    for case in counted_cases:
        stored = (case.votes_yes, case.votes_no, case.votes_depends)
        counted = (case.counted_yes, case.counted_no, case.counted_depends)
        if stored != counted:
            drifts.append(TallyDrift(case=case, stored=stored, counted=counted))
    if fix:
        for drift in drifts:
            _rewrite_tallies(drift.case.pk)
    return drifts


@transaction.atomic
def _rewrite_tallies(case_pk: int) -> None:
    # Counted again under the lock: votes cast since the scan above are included.
    Case.objects.select_for_update().get(pk=case_pk)
    counts = dict(
        Vote.objects.filter(case_id=case_pk)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .values_list("choice", "n")
    )
    Case.objects.filter(pk=case_pk).update(
        **{field: counts.get(choice, 0) for choice, field in TALLY_FIELDS.items()}
    )
