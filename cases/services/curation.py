"""Curators' decisions: proposals, featuring, closing, the rule-of-thumb factors.

Every decision locks the case row and checks its state again under the lock, so two
curators acting on one proposal at once leave one decision, not two.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, ModerationLog
from cases.services.figures import refresh_rule_figures
from cases.services.log import log_moderation
from cases.services.notifications import notify_case_closed, notify_proposal_decided
from cases.services.permissions import check_is_curator

MAX_FEATURED = 3


def _locked(case: Case, moderator: User) -> Case:
    """The case's row, locked; its history credits the curator even outside a request."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked._history_user = moderator
    return locked


def _decide(moderator: User, case: Case, *, status: str, note: str, action: str) -> Case:
    check_is_curator(moderator)
    locked = _locked(case, moderator)
    if locked.status != Case.Status.PENDING:
        raise ValidationError(
            _("This proposal was already decided: it is “%(status)s”.")
            % {"status": locked.get_status_display()}
        )
    locked.status = status
    locked.review_note = note
    if status == Case.Status.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.save(update_fields=["status", "review_note", "published_at", "updated_at"])
    log_moderation(moderator, action, case_id=locked.pk, reason=note)
    notify_proposal_decided(case=locked, actor=moderator)
    transaction.on_commit(lambda: _tell_proposer(locked))
    case.status, case.review_note, case.published_at = (
        locked.status,
        locked.review_note,
        locked.published_at,
    )
    return locked


@transaction.atomic
def publish_proposal(*, moderator: User, case: Case, note: str = "") -> Case:
    return _decide(
        moderator, case, status=Case.Status.PUBLISHED, note=note.strip(),
        action=ModerationLog.Action.PUBLISH,
    )  # fmt: skip


@transaction.atomic
def send_back_proposal(*, moderator: User, case: Case, note: str) -> Case:
    if not note.strip():
        raise ValidationError(_("Tell the proposer what to change."))
    return _decide(
        moderator, case, status=Case.Status.NEEDS_CHANGES, note=note.strip(),
        action=ModerationLog.Action.SEND_BACK,
    )  # fmt: skip


@transaction.atomic
def reject_proposal(*, moderator: User, case: Case, reason: str) -> Case:
    if not reason.strip():
        raise ValidationError(_("Say why the proposal is rejected."))
    return _decide(
        moderator, case, status=Case.Status.REJECTED, note=reason.strip(),
        action=ModerationLog.Action.REJECT,
    )  # fmt: skip


def _tell_proposer(case: Case) -> None:
    """Mail the proposer the decision in their own language, not the curator's."""
    from django.utils import translation  # here: the rest of this module is edited elsewhere

    from accounts.languages import recipient_language

    proposer = case.proposer
    if proposer is None or not proposer.email:
        return
    with translation.override(recipient_language(proposer)):
        site = settings.SITE_URL.rstrip("/")
        texts = {
            Case.Status.PUBLISHED: _("Your proposal “%(title)s” is published: %(url)s"),
            Case.Status.NEEDS_CHANGES: _(
                "A curator sent your proposal “%(title)s” back with this note:\n\n%(note)s\n\n"
                "Edit and resubmit it here: %(edit_url)s"
            ),
            Case.Status.REJECTED: _(
                "A curator rejected your proposal “%(title)s”. The reason:\n\n%(note)s"
            ),
        }
        body = texts[case.status] % {
            "title": case.title,
            "url": f"{site}{case.get_absolute_url()}",
            "edit_url": f"{site}/cases/{case.slug}/edit/",
            "note": case.review_note,
        }
        if case.status == Case.Status.PUBLISHED and case.review_note:
            body += "\n\n" + case.review_note
        subject = _("Your proposal: %(status)s") % {"status": case.get_status_display()}
        send_mail(subject, body, None, [proposer.email], fail_silently=True)


@transaction.atomic
def feature_case(*, moderator: User, case: Case) -> Case:
    check_is_curator(moderator)
    # Lock every featured case too: two curators cannot both add a fourth.
    featured = list(Case.objects.select_for_update().filter(featured_at__isnull=False))
    locked = _locked(case, moderator)
    if not locked.is_published:
        raise ValidationError(_("Only published cases can be featured."))
    if locked.is_featured:
        return locked
    if len(featured) >= MAX_FEATURED:
        raise ValidationError(
            _("At most %(max)d cases are featured: stop featuring one first.")
            % {"max": MAX_FEATURED}
        )
    locked.featured_at = timezone.now()
    locked.save(update_fields=["featured_at", "updated_at"])
    log_moderation(moderator, ModerationLog.Action.FEATURE, case_id=locked.pk)
    case.featured_at = locked.featured_at
    return locked


@transaction.atomic
def unfeature_case(*, moderator: User, case: Case) -> Case:
    check_is_curator(moderator)
    locked = _locked(case, moderator)
    if locked.is_featured:
        locked.featured_at = None
        locked.save(update_fields=["featured_at", "updated_at"])
        log_moderation(moderator, ModerationLog.Action.UNFEATURE, case_id=locked.pk)
    case.featured_at = None
    return locked


@transaction.atomic
def close_case(*, moderator: User, case: Case, reason: str) -> Case:
    """No new votes or comments; everything stays visible and the page says why."""
    check_is_curator(moderator)
    if not reason.strip():
        raise ValidationError(_("Say why the discussion is closed."))
    locked = _locked(case, moderator)
    if not locked.is_published:
        raise ValidationError(_("Only published cases can be closed."))
    notify_case_closed(case=locked, actor=moderator, reason=reason.strip())  # before it closes
    locked.closed_at = locked.closed_at or timezone.now()
    locked.closed_reason = reason.strip()
    locked.save(update_fields=["closed_at", "closed_reason", "updated_at"])
    log_moderation(moderator, ModerationLog.Action.CLOSE, case_id=locked.pk, reason=reason.strip())
    case.closed_at, case.closed_reason = locked.closed_at, locked.closed_reason
    return locked


@transaction.atomic
def reopen_case(*, moderator: User, case: Case, reason: str = "") -> Case:
    check_is_curator(moderator)
    locked = _locked(case, moderator)
    if locked.is_closed:
        locked.closed_at = None
        locked.closed_reason = ""
        locked.save(update_fields=["closed_at", "closed_reason", "updated_at"])
        log_moderation(
            moderator, ModerationLog.Action.REOPEN, case_id=locked.pk, reason=reason.strip()
        )
    case.closed_at, case.closed_reason = None, ""
    return locked


@transaction.atomic
def record_factors(
    *,
    moderator: User,
    case: Case,
    frequency: str,
    name_on_service: bool | None,
    customer_data_shared: bool | None,
    rare_expertise: bool | None,
) -> Case:
    """The rule of thumb's inputs; django-simple-history keeps who changed them and when."""
    check_is_curator(moderator)
    if frequency not in ("", *Case.Frequency.values):
        raise ValidationError(_("“%(value)s” is not a frequency.") % {"value": frequency})
    locked = _locked(case, moderator)
    locked.frequency = frequency
    locked.name_on_service = name_on_service
    locked.customer_data_shared = customer_data_shared
    locked.rare_expertise = rare_expertise
    locked.save(
        update_fields=[
            "frequency", "name_on_service", "customer_data_shared", "rare_expertise",
            "updated_at",
        ]
    )  # fmt: skip
    return refresh_rule_figures(case=locked)
