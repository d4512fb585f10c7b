"""Reader proposals: a logged-in person proposes a case; a case sent back is edited and resubmitted.

Curators' decisions (publish, send back, reject) live with the other curator services.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from cases.models import Case, Source
from cases.services.cases import editable_fields, render_case_text
from cases.services.permissions import check_not_suspended

MAX_PENDING_PROPOSALS = 3
MAX_SOURCES = 5
# What a proposer may set; everything else (status, slug, tallies, factors) is the site's.
PROPOSAL_FIELDS = frozenset(
    {
        *("language", "title", "decision", "summary", "story", "category"),
        *("decided_by", "outsourced_what", "provider", "year", "where", "outcome"),
    }
)
# The language of a source, always chosen by the proposer (Source.language's default "de" is
# for the admin and the seed): the site's languages, which its readers read, and "other" for
# everything else, which none of the site's readers can be assumed to read.
OTHER_LANGUAGE = "other"
SOURCE_LANGUAGE_CHOICES = [
    *settings.LANGUAGES,
    (OTHER_LANGUAGE, pgettext_lazy("language of a source", "Another language")),
]
SOURCE_LANGUAGES = frozenset(code for code, _label in SOURCE_LANGUAGE_CHOICES)
SOURCE_DESCRIPTION_MAX_LENGTH = Source._meta.get_field("title").max_length
SOURCE_URL_MAX_LENGTH = Source._meta.get_field("url").max_length
SLUG_MAX_LENGTH = Case._meta.get_field("slug").max_length
# Paths under /cases/ that are not cases: a case with such a slug could not be reached.
RESERVED_SLUGS = frozenset(["new"])


@transaction.atomic
def propose_case(
    *, proposer: User, data: dict, sources: list[dict], token: uuid.UUID | None = None
) -> Case:
    """Create a pending case proposed by `proposer`, with its sources.

    At most MAX_PENDING_PROPOSALS wait at once per person; the count is taken with the
    person's row locked, so two tabs submitting together cannot both get past it. The same
    form posted again (`token`) returns the case it made, under the same lock.
    """
    check_not_suspended(proposer)
    _check_fields(data)
    cleaned_sources = _clean_sources(sources)
    locked_user = _lock_user(proposer)
    if token is not None:
        earlier = Case.objects.filter(proposer=locked_user, submission_token=token).first()
        if earlier is not None:
            return earlier
    check_not_suspended(locked_user)
    _check_pending_limit(locked_user)

    case = Case(
        **data,
        proposer=locked_user,
        status=Case.Status.PENDING,
        submitted_at=timezone.now(),
        submission_token=token,
    )
    case.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    render_case_text(case)
    _save_with_unique_slug(case)
    _replace_sources(case, cleaned_sources)
    return case


@transaction.atomic
def resubmit_proposal(*, proposer: User, case: Case, data: dict, sources: list[dict]) -> Case:
    """The proposer edits a case a curator sent back: it waits for review again.

    Only the proposer, only from “needs changes”; the sources are replaced, the slug stays.
    """
    check_not_suspended(proposer)
    _check_fields(data)
    cleaned_sources = _clean_sources(sources)
    # Same lock order as propose_case (person, then case): no deadlock between the two.
    locked_user = _lock_user(proposer)
    check_not_suspended(locked_user)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.proposer_id != locked_user.pk:
        raise PermissionDenied(_("Only the person who proposed this case can resubmit it."))
    if locked.status != Case.Status.NEEDS_CHANGES:
        raise ValidationError(_("Only a proposal sent back for changes can be resubmitted."))
    _check_pending_limit(locked_user)

    for field, value in data.items():
        setattr(locked, field, value)
    locked.status = Case.Status.PENDING
    locked.submitted_at = timezone.now()
    locked.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    render_case_text(locked)
    locked.save(update_fields=editable_fields(locked))
    _replace_sources(locked, cleaned_sources)
    return locked


def _lock_user(user: User) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _check_fields(data: dict) -> None:
    unknown = set(data) - PROPOSAL_FIELDS
    if unknown:
        raise TypeError(f"A proposal cannot set {', '.join(sorted(unknown))}.")


def _check_pending_limit(user: User) -> None:
    pending = Case.objects.filter(proposer=user, status=Case.Status.PENDING).count()
    if pending >= MAX_PENDING_PROPOSALS:
        raise ValidationError(
            _(
                "You already have %(count)d proposals waiting for a curator. "
                "You can propose another one when one of them has been reviewed."
            )
            % {"count": pending}
        )


def _clean_sources(sources: list[dict]) -> list[dict[str, str]]:
    """Each source is a link, a written description (“my own experience, 2019”), or both, in
    one of SOURCE_LANGUAGES."""
    cleaned = []
    validate_url = URLValidator()
    for source in sources:
        url = (source.get("url") or "").strip()
        description = (source.get("description") or "").strip()
        language = (source.get("language") or "").strip()
        if not url and not description:
            raise ValidationError(_("Each source needs a link or a description."))
        if language not in SOURCE_LANGUAGES:
            raise ValidationError(_("Say which language each source is in."))
        if url:
            validate_url(url)
            if len(url) > SOURCE_URL_MAX_LENGTH:
                raise ValidationError(
                    _("A link can be at most %(max)d characters.") % {"max": SOURCE_URL_MAX_LENGTH}
                )
        if len(description) > SOURCE_DESCRIPTION_MAX_LENGTH:
            raise ValidationError(
                _("Describe a source in at most %(max)d characters.")
                % {"max": SOURCE_DESCRIPTION_MAX_LENGTH}
            )
        cleaned.append({"url": url, "description": description, "language": language})
    if not cleaned:
        raise ValidationError(_("Give at least one source: a link or a description."))
    if len(cleaned) > MAX_SOURCES:
        raise ValidationError(_("Give at most %(max)d sources.") % {"max": MAX_SOURCES})
    return cleaned


def _replace_sources(case: Case, sources: list[dict[str, str]]) -> None:
    case.sources.all().delete()
    Source.objects.bulk_create(
        Source(
            case=case,
            # Source.title is required: a bare link is its own title.
            title=source["description"] or source["url"][:300],
            url=source["url"],
            language=source["language"],
            position=position,
        )
        for position, source in enumerate(sources)
    )


def _save_with_unique_slug(case: Case, attempts: int = 10) -> None:
    """slugify(title), then -2, -3, … The unique index settles races with other proposers."""
    base = slugify(case.title)[: SLUG_MAX_LENGTH - 8].strip("-") or "case"
    for _attempt in range(attempts):
        case.slug = _free_slug(base)
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the transaction usable
                case.save()
        except IntegrityError:
            if not Case.objects.filter(slug=case.slug).exists():
                raise  # some other constraint failed
            case.pk = None
            continue
        return
    raise ValidationError(_("Could not give this case an address. Please try again."))


def _free_slug(base: str) -> str:
    taken = RESERVED_SLUGS | set(
        Case.objects.filter(slug__regex=rf"^{base}(-[0-9]+)?$").values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
