"""Precedent links: a curator's note that two published cases are related and what differs
between them, shown on both cases' pages (cases/selectors/related.py).

A pair is stored once, the lower id as `case_a` (a database check), whichever page the curator
linked from. Linking and unlinking are curator acts, logged in the same transaction; both
bump the two cases' `page_version`, so that both cached pages show the change. A removed link
is deleted: it is a curator's note, and the log keeps the act.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Case, CaseLink, ModerationLog
from cases.models.judgement import LINK_NOTE_MAX
from cases.services.figures import discussion_changed
from cases.services.log import log_moderation
from cases.services.permissions import check_is_curator
from outsourcing.i18n import site_languages


def _clean_note(note: str) -> str:
    note = note.strip()
    if not note:
        raise ValidationError(_("Say what differs between the two cases."))
    if len(note) > LINK_NOTE_MAX:
        raise ValidationError(
            _("Keep the note to at most %(max)d characters.") % {"max": LINK_NOTE_MAX}
        )
    return note


def _clean_translations(language: str, translations: dict[str, str] | None) -> dict[str, str]:
    """The note's wordings in the site's other languages; empty ones are left out."""
    if language not in site_languages():
        raise ValidationError(
            _("“%(value)s” is not a language of this site.") % {"value": language}
        )
    cleaned = {}
    for code, text in (translations or {}).items():
        if code == language or code not in site_languages():
            raise ValidationError(
                _("“%(value)s” is not another language of this site.") % {"value": code}
            )
        if text.strip():
            cleaned[code] = _clean_note(text)
    return cleaned


@transaction.atomic
def link_cases(
    *,
    moderator: User,
    case: Case,
    other: Case,
    note: str,
    language: str,
    translations: dict[str, str] | None = None,
) -> CaseLink:
    """Link `case` (the page the curator is on) with `other`, with a note on what differs in
    `language` and, optionally, its wording in other site languages ({"de": "…"})."""
    check_is_curator(moderator)
    note = _clean_note(note)
    translations = _clean_translations(language, translations)
    if case.pk == other.pk:
        raise ValidationError(_("A case cannot be linked to itself."))
    # Both rows locked, in id order: two curators linking the same pair queue here.
    locked = list(
        Case.objects.select_for_update().filter(pk__in=[case.pk, other.pk]).order_by("pk")
    )
    if len(locked) != 2 or not all(row.is_published for row in locked):
        raise ValidationError(_("Only published cases can be linked."))
    case_a, case_b = locked
    already = ValidationError(_("These two cases are already linked."))
    if CaseLink.objects.filter(case_a=case_a, case_b=case_b).exists():
        raise already
    try:
        # The unique constraint is the backstop; the savepoint keeps the transaction usable.
        with transaction.atomic():
            link = CaseLink.objects.create(
                case_a=case_a,
                case_b=case_b,
                note=note,
                language=language,
                translations=translations,
                author=moderator,
            )
    except IntegrityError:
        raise already from None
    other_row = case_b if case_a.pk == case.pk else case_a
    log_moderation(
        moderator,
        ModerationLog.Action.LINK_CASES,
        case_id=case.pk,
        reason=note,
        params={"other": other_row.slug, "title": other_row.title},
    )
    discussion_changed(case_a.pk, case_b.pk)
    return link


@transaction.atomic
def unlink_cases(*, moderator: User, link: CaseLink, reason: str = "") -> None:
    """Remove a link from both pages; logged on the lower-id case, naming the other."""
    check_is_curator(moderator)
    locked = (
        CaseLink.objects.select_for_update(of=("self",))
        .select_related("case_a", "case_b")
        .filter(pk=link.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("This link was already removed."))
    locked.delete()
    log_moderation(
        moderator,
        ModerationLog.Action.UNLINK_CASES,
        case_id=locked.case_a_id,
        reason=reason.strip(),
        params={"other": locked.case_b.slug, "title": locked.case_b.title},
    )
    discussion_changed(locked.case_a_id, locked.case_b_id)


@transaction.atomic(savepoint=False)
def bump_linked_pages(case_id: int) -> None:
    """The pages of every case linked to `case_id` show its verdict bar: after its tallies
    change (in the vote's transaction), bump their `page_version` so their cached pages
    follow. One UPDATE, whatever the number of links; no savepoint, so it costs nothing more
    inside the caller's transaction."""
    as_a = CaseLink.objects.filter(case_a_id=case_id).values("case_b_id")
    as_b = CaseLink.objects.filter(case_b_id=case_id).values("case_a_id")
    Case.objects.filter(Q(pk__in=as_a) | Q(pk__in=as_b)).update(page_version=F("page_version") + 1)
