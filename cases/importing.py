"""Cases as JSON: the exchange format, its export and its import (independent of commands).

The format (documented in the README, "Importing and exporting cases")::

    {"format": "outsourcing-verdicts/cases", "version": 1,
     "categories": [{"slug", "name", "description"}],
     "cases": [{"slug", "title", "decision", "summary", "story", "category", "year", "where",
                "outcome", "decided_by", "outsourced_what", "provider", "search_terms",
                "factors": {"frequency", "name_on_service", "customer_data_shared",
                            "rare_expertise"},
                "sources": [{"title", "outlet", "author", "published", "language", "url"}]}]}

The seed file (cases/seed/cases.json) is a file of this format without "format" and "version".
Imported cases are drafts; each case is created in its own savepoint, so a broken one creates
nothing (no category, no case, no source) and the others go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify

from cases.models import Case, Category, Source
from cases.services.cases import render_case_text

FORMAT = "outsourcing-verdicts/cases"
VERSION = 1

# Text fields of a case: required ones must be non-empty, optional ones default to "".
REQUIRED_TEXT = ["title", "decision", "summary", "story"]
OPTIONAL_TEXT = ["where", "outcome", "decided_by", "outsourced_what", "provider", "search_terms"]
FACTORS = ["frequency", "name_on_service", "customer_data_shared", "rare_expertise"]
CASE_KEYS = {"slug", "category", "year", "factors", "sources", *REQUIRED_TEXT, *OPTIONAL_TEXT}
SOURCE_TEXT = ["title", "outlet", "author", "language", "url"]
SOURCE_KEYS = {*SOURCE_TEXT, "published"}
CATEGORY_KEYS = {"slug", "name", "description"}


class ImportFormatError(ValueError):
    """The file as a whole is not a cases file (wrong format or version, no list of cases)."""


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    # (the case's slug, or "#N" for the N-th case of the file when it has none; reasons)
    rejected: list[tuple[str, list[str]]] = field(default_factory=list)


class _Rejected(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# --- export -----------------------------------------------------------------------------------


def export_cases(queryset: models.QuerySet[Case]) -> dict[str, Any]:
    """The cases of `queryset` (ordered by slug) and the categories they use, as a dict ready
    for json.dumps. Votes, comments, status and dates are not part of the format."""
    cases = list(
        queryset.select_related("category")
        .prefetch_related(models.Prefetch("sources", Source.objects.order_by("position", "id")))
        .order_by("slug")
    )
    categories = {case.category.slug: case.category for case in cases}
    return {
        "format": FORMAT,
        "version": VERSION,
        "categories": [
            {"slug": c.slug, "name": c.name, "description": c.description}
            for c in sorted(categories.values(), key=lambda c: c.slug)
        ],
        "cases": [_export_case(case) for case in cases],
    }


def _export_case(case: Case) -> dict[str, Any]:
    return {
        "slug": case.slug,
        "title": case.title,
        "decision": case.decision,
        "summary": case.summary,
        "story": case.story,
        "category": case.category.slug,
        "year": case.year,
        "where": case.where,
        "outcome": case.outcome,
        "decided_by": case.decided_by,
        "outsourced_what": case.outsourced_what,
        "provider": case.provider,
        "search_terms": case.search_terms,
        "factors": {
            "frequency": case.frequency or None,
            "name_on_service": case.name_on_service,
            "customer_data_shared": case.customer_data_shared,
            "rare_expertise": case.rare_expertise,
        },
        "sources": [
            {
                "title": source.title,
                "outlet": source.outlet,
                "author": source.author,
                "published": source.published.isoformat() if source.published else None,
                "language": source.language,
                "url": source.url,
            }
            for source in case.sources.all()
        ],
    }


# --- import -----------------------------------------------------------------------------------


def check_format(data: Any) -> None:
    """Raise ImportFormatError unless `data` looks like a cases file of a version we read.
    "format" and "version" may be missing (the seed file has neither)."""
    if not isinstance(data, dict):
        raise ImportFormatError("The file must hold a JSON object with a list of cases.")
    if "format" in data and data["format"] != FORMAT:
        raise ImportFormatError(f"Unknown format {data['format']!r}: expected {FORMAT!r}.")
    if "version" in data and data["version"] != VERSION:
        raise ImportFormatError(f"Unsupported version {data['version']!r}: expected {VERSION}.")
    if not isinstance(data.get("cases"), list):
        raise ImportFormatError('The file has no list of "cases".')
    if not isinstance(data.get("categories", []), list):
        raise ImportFormatError('"categories" must be a list.')


def import_cases(
    data: dict[str, Any], *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Create the cases of `data` as drafts. A case whose slug exists is skipped; a case that
    does not validate is rejected with its reasons and leaves nothing behind. Categories the
    cases need and the database lacks are created from the file's "categories".

    `progress(done, total)` is called after each case."""
    check_format(data)
    defined = {
        item["slug"]: item
        for item in data.get("categories", [])
        if isinstance(item, dict) and isinstance(item.get("slug"), str)
    }
    report = ImportReport()
    items = data["cases"]
    for position, item in enumerate(items, start=1):
        label = f"#{position}"
        try:
            if not isinstance(item, dict):
                raise _Rejected(["a case must be a JSON object"])
            slug = _slug_of(item)
            label = slug or label
            if slug and Case.objects.filter(slug=slug).exists():
                report.skipped.append(slug)
            else:
                with transaction.atomic():
                    _create_case(item, slug, defined)
                report.created.append(slug)
        except _Rejected as rejection:
            report.rejected.append((label, rejection.reasons))
        except IntegrityError as error:  # e.g. the same slug created meanwhile
            report.rejected.append((label, [f"database: {error}"]))
        if progress is not None:
            progress(position, len(items))
    return report


def _slug_of(item: dict[str, Any]) -> str:
    slug = item.get("slug")
    if slug is None or slug == "":
        title = item.get("title")
        if not isinstance(title, str):
            return ""
        return slugify(title)[: Case._meta.get_field("slug").max_length].strip("-")
    if not isinstance(slug, str):
        raise _Rejected(["slug: must be a string"])
    return slug


def _text(item: dict[str, Any], key: str, where: str, reasons: list[str]) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        reasons.append(f"{where}{key}: must be a string")
        return ""
    return value


def _unknown(item: dict[str, Any], allowed: set[str], where: str) -> list[str]:
    extra = sorted(set(item) - allowed)
    return [f"{where}unknown key(s): {', '.join(extra)}"] if extra else []


def _messages(error: ValidationError, where: str = "") -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"{where}{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [f"{where}{message}" for message in error.messages]


def _max_lengths(obj: models.Model, names: Iterable[str], where: str) -> list[str]:
    """Model validation ignores max_length on TextField (summary); check it like a form."""
    reasons = []
    for name in names:
        limit = obj._meta.get_field(name).max_length
        value = getattr(obj, name)
        if limit and isinstance(value, str) and len(value) > limit:
            reasons.append(
                f"{where}{name}: at most {limit} characters allowed (it has {len(value)})."
            )
    return reasons


def _category(slug: Any, defined: dict[str, dict[str, Any]]) -> Category:
    """The existing category, or a new one (saved) from the file's definition."""
    if not isinstance(slug, str) or not slug:
        raise _Rejected(["category: required (a category slug)"])
    existing = Category.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    if slug not in defined:
        raise _Rejected(
            [f"category: no category {slug!r} in the database or in the file's categories"]
        )
    item = defined[slug]
    where = f"categories[{slug}]."
    reasons = _unknown(item, CATEGORY_KEYS, where)
    category = Category(
        slug=slug,
        name=_text(item, "name", where, reasons),
        description=_text(item, "description", where, reasons),
    )
    try:
        category.full_clean()
    except ValidationError as error:
        reasons += _messages(error, where)
    if reasons:
        raise _Rejected(reasons)
    category.save()
    return category


def _create_case(item: dict[str, Any], slug: str, defined: dict[str, dict[str, Any]]) -> Case:
    """Validate everything first, then save; runs inside the caller's savepoint."""
    reasons = _unknown(item, CASE_KEYS, "")
    values = {key: _text(item, key, "", reasons) for key in REQUIRED_TEXT + OPTIONAL_TEXT}

    factors = item.get("factors") or {}
    if not isinstance(factors, dict):
        reasons.append("factors: must be an object")
        factors = {}
    reasons += _unknown(factors, set(FACTORS), "factors.")
    frequency = factors.get("frequency")
    if frequency is not None and not isinstance(frequency, str):
        reasons.append("factors.frequency: must be a string or null")
        frequency = None
    flags = {}
    for name in FACTORS[1:]:
        value = factors.get(name)
        if value is not None and not isinstance(value, bool):
            reasons.append(f"factors.{name}: must be true, false or null")
            value = None
        flags[name] = value

    year = item.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        reasons.append("year: must be a whole number or null")
        year = None

    case = Case(
        slug=slug,
        year=year,
        frequency=frequency or "",
        status=Case.Status.DRAFT,
        published_at=None,
        **values,
        **flags,
    )
    try:
        case.full_clean(exclude=["category"])
    except ValidationError as error:
        reasons += _messages(error)
    reasons += _max_lengths(case, ["summary"], "")

    sources = _sources(item.get("sources"), reasons)

    try:
        category = _category(item.get("category"), defined)
    except _Rejected as rejection:
        reasons += rejection.reasons
    if reasons:
        raise _Rejected(reasons)

    case.category = category
    render_case_text(case)
    case.save()
    for source in sources:
        source.case = case
    Source.objects.bulk_create(sources)
    return case


def _sources(items: Any, reasons: list[str]) -> list[Source]:
    if items is None:
        return []
    if not isinstance(items, list):
        reasons.append("sources: must be a list")
        return []
    sources = []
    for index, item in enumerate(items):
        where = f"sources[{index}]."
        if not isinstance(item, dict):
            reasons.append(f"sources[{index}]: must be an object")
            continue
        reasons += _unknown(item, SOURCE_KEYS, where)
        values = {key: _text(item, key, where, reasons) for key in SOURCE_TEXT}
        if not values["language"]:
            values["language"] = Source._meta.get_field("language").default
        published = item.get("published")
        if published is not None and not isinstance(published, str):
            reasons.append(f"{where}published: must be a date (YYYY-MM-DD) or null")
            published = None
        source = Source(position=index, published=published or None, **values)
        try:
            source.full_clean(exclude=["case"])
        except ValidationError as error:
            reasons += _messages(error, where)
        sources.append(source)
    return sources
