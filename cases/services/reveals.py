"""Blind first verdicts: a reader asks to see a case's result before voting, and curators
switch a case's blind mode on or off."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, ModerationLog, VerdictReveal
from cases.services.log import log_moderation
from cases.services.permissions import check_is_curator


@transaction.atomic
def reveal_verdict(*, user: User, case: Case) -> VerdictReveal:
    """Record that the member saw the case's result before voting (once; asking again
    changes nothing): a vote they cast afterwards is not blind."""
    reveal, _created = VerdictReveal.objects.get_or_create(user=user, case=case)
    return reveal


@transaction.atomic
def set_blind_mode(*, moderator: User, case: Case, on: bool) -> Case:
    """Hide the case's result until people vote (`on`), or show it to everyone. Logged.
    Votes already cast keep their mark; only votes cast from now on are judged by it."""
    check_is_curator(moderator)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_published:
        raise ValidationError(_("Only a published case shows a verdict to hide or show."))
    if locked.blind_mode != on:
        locked.blind_mode = on
        locked.save(update_fields=["blind_mode", "updated_at"])
        action = ModerationLog.Action.BLIND_ON if on else ModerationLog.Action.BLIND_OFF
        log_moderation(moderator, action, case_id=locked.pk)
    case.blind_mode, case.updated_at = locked.blind_mode, locked.updated_at
    return locked
