"""Loads the first cases (cases/seed/cases.json), retold from the German source posts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Category, Source
from cases.services.cases import render_case_text
from cases.services.translations import save_case_translation, save_category_translation

SEED_FILE = Path(__file__).resolve().parent / "seed" / "cases.json"
# The same cases and categories retold in German, straight from the German posts.
TRANSLATION_FILES = {"de": SEED_FILE.with_name("cases.de.json")}


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    translated: list[str] = field(default_factory=list)  # "slug (de)"


@transaction.atomic
def seed_cases(path: Path = SEED_FILE) -> SeedReport:
    """Create the seed categories and cases that are missing; never touch existing ones,
    except to give seed cases seeded before factors existed their rule-of-thumb factors."""
    data = json.loads(path.read_text(encoding="utf-8"))
    categories = {}
    for item in data["categories"]:
        categories[item["slug"]], _ = Category.objects.get_or_create(
            slug=item["slug"], defaults={"name": item["name"], "description": item["description"]}
        )

    report = SeedReport()
    now = timezone.now()
    for position, item in enumerate(data["cases"]):
        factors = _factors(item)
        existing = Case.objects.filter(slug=item["slug"]).first()
        if existing is not None:
            report.existing.append(item["slug"])
            if not any(getattr(existing, name) not in ("", None) for name in factors):
                Case.objects.filter(pk=existing.pk).update(**factors)
            continue
        case = Case(
            slug=item["slug"],
            title=item["title"],
            decision=item["decision"],
            summary=item["summary"],
            story=item["story"],
            category=categories[item["category"]],
            decided_by=item["decided_by"],
            outsourced_what=item["outsourced_what"],
            provider=item["provider"],
            year=item["year"],
            outcome=item["outcome"],
            search_terms=item.get("search_terms", ""),
            **factors,
            status=Case.Status.PUBLISHED,
            # Staggered so that "newest first" keeps the order of the seed file.
            published_at=now - timedelta(minutes=position),
        )
        render_case_text(case)
        case.save()
        Source.objects.bulk_create(
            Source(
                case=case,
                position=index,
                title=source["title"],
                outlet=source["outlet"],
                author=source["author"],
                published=date.fromisoformat(source["published"]) if source["published"] else None,
                language=source["language"],
                url=source["url"],
            )
            for index, source in enumerate(item["sources"])
        )
        report.created.append(item["slug"])
    for language, translation_file in TRANSLATION_FILES.items():
        if path == SEED_FILE:
            _seed_translations(translation_file, language, report)
    return report


def _seed_translations(path: Path, language: str, report: SeedReport) -> None:
    """Add the seed's texts in `language` where a seed case or category lacks them."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for category in Category.objects.filter(slug__in=data["categories"]).exclude(
        translations__language=language
    ):
        save_category_translation(
            category=category, language=language, **data["categories"][category.slug]
        )
    for case in Case.objects.filter(slug__in=data["cases"]).exclude(
        translations__language=language
    ):
        if case.language == language:
            continue
        save_case_translation(case=case, language=language, **data["cases"][case.slug])
        report.translated.append(f"{case.slug} ({language})")


def _factors(item: dict) -> dict:
    """The rule-of-thumb factors of a seed case (from what its post says; None: not said)."""
    factors = item.get("factors") or {}
    return {
        "frequency": factors.get("frequency") or "",
        "name_on_service": factors.get("name_on_service"),
        "customer_data_shared": factors.get("customer_data_shared"),
        "rare_expertise": factors.get("rare_expertise"),
    }
