"""Helpers shared by tests/test_importing_cases.py and tests/test_importing_commands.py."""

from cases.importing import FORMAT
from cases.models import Case, Category, Source

CASE_FIELDS = [
    "slug",
    "title",
    "decision",
    "summary",
    "story",
    "decided_by",
    "outsourced_what",
    "provider",
    "year",
    "outcome",
    "search_terms",
    "where",
    "frequency",
    "name_on_service",
    "customer_data_shared",
    "rare_expertise",
]
SOURCE_FIELDS = ["title", "outlet", "author", "published", "language", "url", "position"]


def snapshot() -> dict:
    """Every case, its category and sources, as plain values keyed by slug."""
    result = {}
    for case in Case.objects.select_related("category").prefetch_related("sources"):
        result[case.slug] = {
            **{name: getattr(case, name) for name in CASE_FIELDS},
            "category": (case.category.slug, case.category.name, case.category.description),
            "sources": [
                {name: getattr(source, name) for name in SOURCE_FIELDS}
                for source in case.sources.all()
            ],
        }
    return result


def wipe() -> None:
    Source.objects.all().delete()
    Case.objects.all().delete()
    Category.objects.all().delete()


def good_case(slug: str, **overrides) -> dict:
    item = {
        "slug": slug,
        "title": f"The case {slug}",
        "decision": "Payroll → a service bureau",
        "summary": "A small firm stops doing its own payroll.",
        "story": "The firm had **one** person doing payroll.",
        "category": "back-office",
        "year": 2015,
        "sources": [{"title": "Lohn auslagern", "url": "https://example.org/lohn"}],
    }
    item.update(overrides)
    return item


def cases_file(*cases, categories=None) -> dict:
    return {
        "format": FORMAT,
        "version": 1,
        "categories": categories
        if categories is not None
        else [{"slug": "back-office", "name": "Back office", "description": "Payroll etc."}],
        "cases": list(cases),
    }
