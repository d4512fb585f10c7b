"""Verdicts on cases: casting and changing votes, crediting the comment that changed a mind."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, Comment, HindsightVote, MindChange, VerdictReveal, Vote
from cases.models.cases import DERIVED_FIELDS
from cases.services.figures import TALLY_FIELDS, VoteState, apply_vote, discussion_changed
from cases.services.links import bump_linked_pages
from cases.services.permissions import check_can_participate

# What a vote call hands back on the caller's `case` object: every stored figure but the texts.
FIGURE_FIELDS = [name for name in DERIVED_FIELDS if name not in ("story_html", "search_document")]
CONDITION_MAX_LENGTH = Vote._meta.get_field("condition").max_length


@dataclass(frozen=True)
class VoteOutcome:
    """What casting a vote (or a hindsight answer, cases/services/hindsight.py) did."""

    vote: Vote | HindsightVote
    previous_choice: str | None

    @property
    def is_new(self) -> bool:
        return self.previous_choice is None

    @property
    def changed(self) -> bool:
        return self.previous_choice is not None and self.previous_choice != self.vote.choice


@transaction.atomic
def cast_vote(
    *, user: User, case: Case, choice: str, condition: str = "", saw_result: bool = False
) -> VoteOutcome:
    """Record the user's verdict on a case; voting again changes it, never adds one.

    `condition` says what "It depends" depends on; other answers drop it. A first vote is
    *blind* (Vote.blind, counted in the blind verdict) when the case hides its result until
    people vote and the voter had not asked to see it: neither on their account
    (VerdictReveal) nor, before logging in, in their session (`saw_result`, from the view).
    """
    if choice not in TALLY_FIELDS:
        raise ValidationError(_("“%(choice)s” is not an answer.") % {"choice": choice})
    condition = condition.strip() if choice == Vote.Choice.DEPENDS else ""
    if len(condition) > CONDITION_MAX_LENGTH:
        raise ValidationError(
            _("Say what it depends on in at most %(max)d characters.")
            % {"max": CONDITION_MAX_LENGTH}
        )
    # The voter's row first, then the case's (the order set_perspective keeps too): the
    # perspective the vote is tallied under cannot change underneath, and locking the case
    # serialises votes on it (SQLite's IMMEDIATE transactions already do), so the tallies,
    # the figures and the one-vote rule cannot race.
    perspective = (
        User.objects.select_for_update().filter(pk=user.pk).values_list("perspective", flat=True)
    ).get()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_participate(user=user, case=locked)

    vote = Vote.objects.filter(user=user, case=locked).first()
    if vote is None:
        blind = (
            locked.blind_mode
            and not saw_result
            and not VerdictReveal.objects.filter(user=user, case=locked).exists()
        )
        vote = Vote.objects.create(
            user=user,
            case=locked,
            choice=choice,
            first_choice=choice,
            condition=condition,
            blind=blind,
        )
        before, previous = None, None
    else:
        before, previous = VoteState.of(vote), vote.choice
        if vote.choice == choice:
            if vote.condition != condition:
                vote.condition = condition
                vote.save(update_fields=["condition", "updated_at"])
        else:
            vote.previous_choice = previous
            vote.choice = choice
            vote.condition = condition
            vote.change_count += 1  # the case's lock serialises every write to this row
            vote.save(
                update_fields=[
                    "choice", "previous_choice", "condition", "change_count", "updated_at"
                ]
            )  # fmt: skip
    apply_vote(locked=locked, perspective=perspective, before=before, after=VoteState.of(vote))
    if previous != vote.choice:  # the verdict moved: the related-cases panels show it
        bump_linked_pages(locked.pk)
    for field in FIGURE_FIELDS:
        setattr(case, field, getattr(locked, field))
    return VoteOutcome(vote=vote, previous_choice=previous)


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
    discussion_changed(locked_case.pk)
    return mind_change
