from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.markdown import render_markdown
from cases.models import Case, ModerationLog
from cases.models.cases import DERIVED_FIELDS
from cases.services.log import log_moderation
from cases.services.permissions import check_is_curator


def render_case_text(case: Case) -> Case:
    """Render the case's Markdown into its stored HTML; call before every save that may
    change the story (proposals, imports, the seed, the admin). `rerender_markdown` redoes
    all of it after a change to the sanitiser."""
    case.story_html = render_markdown(case.story)
    return case


def editable_fields(case: Case) -> list[str]:
    """The columns a form may save: everything but the figures the site keeps itself, so
    that saving an edit never writes back tallies read before the last vote."""
    return [
        field.name
        for field in case._meta.concrete_fields
        if not field.primary_key and field.name not in DERIVED_FIELDS
    ] + ["story_html"]


# A reader's proposal moves only through the proposal service (cases/services/curation.py),
# which writes the proposer's email and the `publish` / `send_back` / `reject` log row.
PROPOSAL_STATUSES = frozenset(
    [Case.Status.PENDING, Case.Status.NEEDS_CHANGES, Case.Status.REJECTED]
)


@transaction.atomic
def change_case_status(*, moderator: User, case: Case, status: str) -> Case:
    """Move a case between draft, published and archived; publishing dates it once.

    Publishing a pending proposal is the proposal service's publish; any other move into or
    out of a proposal's states is refused (decide proposals in the review queue).
    """
    check_is_curator(moderator)
    if status not in Case.Status.values:
        raise ValidationError(_("“%(status)s” is not a status.") % {"status": status})
    locked = Case.objects.select_for_update().get(pk=case.pk)
    previous = locked.status
    if previous == status:
        return locked
    if previous == Case.Status.PENDING and status == Case.Status.PUBLISHED:
        from cases.services.curation import publish_proposal

        return publish_proposal(moderator=moderator, case=case)
    if previous in PROPOSAL_STATUSES or status in PROPOSAL_STATUSES:
        raise ValidationError(
            _("“%(title)s” is a reader's proposal: decide it in the review queue.")
            % {"title": locked.title}
        )
    locked.status = status
    if status == Case.Status.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    if previous != status:
        log_moderation(
            moderator,
            ModerationLog.Action.CHANGE_CASE_STATUS,
            case_id=locked.pk,
            params={"old": previous, "new": status},  # shown as the statuses' labels
        )
    case.status, case.published_at = locked.status, locked.published_at
    return locked
