"""Hindsight: curators add what happened after a decision (dated, sourced outcome updates),
and readers answer a second question once it is known: "knowing what happened, did it make
sense?"

The case's first outcome update makes the outcome known (`Case.outcome_known_at`): in the same
transaction every vote held at that moment is kept as a *foresight* answer
(`Vote.foresight_choice`) and the case's tallies then become the foresight verdict
(`Case.foresight_*`). A hindsight answer (HindsightVote) moves `Case.hindsight_*`, and
`hindsight_changed` counts the foresight voters whose hindsight answer differs from their
foresight one; both are kept with F() in the answer's transaction, the voter's row and the
case's row locked in that order (as cast_vote does). `manage.py recount_votes` checks them
against the rows (cases/services/recount_hindsight.py).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, HindsightVote, ModerationLog, OutcomeUpdate, Vote
from cases.models.judgement import OUTCOME_TEXT_MAX
from cases.services.figures import discussion_changed
from cases.services.log import log_moderation
from cases.services.notifications import notify_outcome_update
from cases.services.permissions import check_can_participate, check_is_curator
from cases.services.votes import VoteOutcome
from outsourcing.i18n import site_languages

HINDSIGHT_FIELDS = {
    Vote.Choice.YES: "hindsight_yes",
    Vote.Choice.NO: "hindsight_no",
    Vote.Choice.DEPENDS: "hindsight_depends",
}
FORESIGHT_FIELDS = {
    Vote.Choice.YES: "foresight_yes",
    Vote.Choice.NO: "foresight_no",
    Vote.Choice.DEPENDS: "foresight_depends",
}
SOURCE_TITLE_MAX = OutcomeUpdate._meta.get_field("source_title").max_length
SOURCE_URL_MAX = OutcomeUpdate._meta.get_field("source_url").max_length
REASON_MAX = settings.TEXT_LIMITS["reason"]


def _clean_update(
    *, happened_on: date, text: str, source_title: str, source_url: str, language: str
) -> tuple[str, str, str]:
    """The update's texts trimmed, or a ValidationError saying what is wrong."""
    text, source_title, source_url = text.strip(), source_title.strip(), source_url.strip()
    if not text:
        raise ValidationError(_("Say what happened."))
    if len(text) > OUTCOME_TEXT_MAX:
        raise ValidationError(
            _("Say what happened in at most %(max)d characters.") % {"max": OUTCOME_TEXT_MAX}
        )
    if not source_title:
        raise ValidationError(_("Name the source that reports it."))
    if len(source_title) > SOURCE_TITLE_MAX or len(source_url) > SOURCE_URL_MAX:
        raise ValidationError(_("The source's name or link is too long."))
    if source_url:
        try:
            URLValidator(schemes=["http", "https"])(source_url)
        except ValidationError:
            raise ValidationError(_("The link to the source is not a web address.")) from None
    if language not in site_languages():
        raise ValidationError(
            _("“%(value)s” is not a language of this site.") % {"value": language}
        )
    if happened_on > timezone.localdate():
        raise ValidationError(
            _("That date is in the future: add what has happened, not what is expected.")
        )
    return text, source_title, source_url


def make_outcome_known(locked: Case) -> None:
    """The case's first outcome update, inside its transaction with the case's row locked
    (`locked` was read with select_for_update(), so its tallies are current): every vote held
    now becomes a foresight answer and the tallies the foresight verdict. Once only: the
    snapshot stays when updates are removed. The service and the seed (cases/seed_outcomes.py)
    both call it."""
    if locked.outcome_known_at is not None:
        return
    Vote.objects.filter(case=locked).update(foresight_choice=F("choice"))
    values = {
        "outcome_known_at": timezone.now(),
        "foresight_yes": locked.votes_yes,
        "foresight_no": locked.votes_no,
        "foresight_depends": locked.votes_depends,
    }
    Case.objects.filter(pk=locked.pk).update(**values)
    for field, value in values.items():
        setattr(locked, field, value)


def _copy_outcome_fields(source: Case, target: Case) -> None:
    for field in ("outcome_known_at", *FORESIGHT_FIELDS.values()):
        setattr(target, field, getattr(source, field))


@transaction.atomic
def add_outcome_update(
    *,
    moderator: User,
    case: Case,
    happened_on: date,
    text: str,
    source_title: str,
    source_url: str = "",
    language: str,
) -> OutcomeUpdate:
    """A curator adds what happened next to a published case, with its source. Logged; the
    case's first update makes the outcome known (make_outcome_known)."""
    check_is_curator(moderator)
    text, source_title, source_url = _clean_update(
        happened_on=happened_on,
        text=text,
        source_title=source_title,
        source_url=source_url,
        language=language,
    )
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_published:
        raise ValidationError(_("Only a published case can have outcome updates."))
    update = OutcomeUpdate.objects.create(
        case=locked,
        happened_on=happened_on,
        text=text,
        source_title=source_title,
        source_url=source_url,
        language=language,
        author=moderator,
    )
    make_outcome_known(locked)
    log_moderation(
        moderator,
        ModerationLog.Action.ADD_OUTCOME,
        case_id=locked.pk,
        params={"date": happened_on.isoformat()},
    )
    notify_outcome_update(case=locked, actor=moderator, happened_on=happened_on)
    discussion_changed(locked.pk)
    _copy_outcome_fields(locked, case)
    return update


@transaction.atomic
def remove_outcome_update(
    *, moderator: User, update: OutcomeUpdate, reason: str = ""
) -> OutcomeUpdate:
    """A curator takes an update off the case's page (the row stays, marked removed). Logged
    once; removing it again changes nothing. The foresight answers stay: the outcome was
    known when they were kept."""
    check_is_curator(moderator)
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Keep the reason to at most %(max)d characters.") % {"max": REASON_MAX}
        )
    # The case's row first, as every write on the case locks it.
    Case.objects.select_for_update().filter(pk=update.case_id).values_list("pk").get()
    locked = OutcomeUpdate.objects.select_for_update().get(pk=update.pk)
    if locked.removed_at is None:
        locked.removed_at = timezone.now()
        locked.save(update_fields=["removed_at"])
        log_moderation(
            moderator,
            ModerationLog.Action.REMOVE_OUTCOME,
            case_id=locked.case_id,
            reason=reason,
            params={"date": locked.happened_on.isoformat()},
        )
        discussion_changed(locked.case_id)
    update.removed_at = locked.removed_at
    return locked


def check_can_answer_hindsight(*, user: User, case: Case) -> None:
    """The second question: for whoever may vote on the case (check_can_participate), once
    its outcome is known. Views call it before acting; the service again under the lock."""
    check_can_participate(user=user, case=case)
    if not case.outcome_known:
        raise PermissionDenied(
            _("This question opens once a curator has added what happened next.")
        )


@transaction.atomic
def cast_hindsight_vote(*, user: User, case: Case, choice: str) -> VoteOutcome:
    """Record the reader's answer knowing what happened; answering again changes it."""
    if choice not in HINDSIGHT_FIELDS:
        raise ValidationError(_("“%(choice)s” is not an answer.") % {"choice": choice})
    # The voter's row, then the case's: the order of cast_vote and set_perspective, so that
    # they never wait on each other in a circle. The case's lock serialises the answers on
    # it, so one reader's two answers at once (a double click) cannot both count.
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    check_can_answer_hindsight(user=user, case=locked)

    answer = HindsightVote.objects.filter(user=user, case=locked).first()
    deltas: dict[str, int] = {}
    if answer is None:
        foresight = (
            Vote.objects.filter(user=user, case=locked)
            .values_list("foresight_choice", flat=True)
            .first()
        ) or ""
        answer = HindsightVote.objects.create(
            user=user, case=locked, choice=choice, foresight_choice=foresight
        )
        previous = None
        deltas[HINDSIGHT_FIELDS[choice]] = 1
        deltas["hindsight_changed"] = int(answer.changed_from_foresight)
        deltas["hindsight_from_foresight"] = int(bool(foresight))
    else:
        previous = answer.choice
        if previous != choice:
            was_changed = answer.changed_from_foresight
            answer.choice = choice
            answer.save(update_fields=["choice", "updated_at"])
            deltas[HINDSIGHT_FIELDS[previous]] = -1
            deltas[HINDSIGHT_FIELDS[choice]] = 1
            deltas["hindsight_changed"] = int(answer.changed_from_foresight) - int(was_changed)
    deltas = {field: amount for field, amount in deltas.items() if amount}
    if deltas:
        deltas["page_version"] = 1
        Case.objects.filter(pk=locked.pk).update(
            **{field: F(field) + amount for field, amount in deltas.items()}
        )
        for field, amount in deltas.items():
            value = getattr(locked, field) + amount
            setattr(locked, field, value)
            setattr(case, field, value)
    return VoteOutcome(vote=answer, previous_choice=previous)
