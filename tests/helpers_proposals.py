"""Helpers shared by the proposal tests (tests/test_proposals_*.py). Their fixtures
(`category`, `data`, `suspended`) are in tests/conftest.py."""

from django.utils import timezone

from cases import services
from cases.models import Case
from tests.factories import CaseFactory


def propose(user, data, sources=None, **changes):
    """Through the service; a source without a language is in English."""
    sources = sources if sources is not None else [{"url": "https://example.org/story"}]
    return services.propose_case(
        proposer=user,
        data={**data, **changes},
        sources=[{"language": "en", **source} for source in sources],
    )


def proposal(proposer, status=Case.Status.PENDING, **fields):
    return CaseFactory(
        proposer=proposer,
        status=status,
        published_at=timezone.now() if status == Case.Status.PUBLISHED else None,
        submitted_at=timezone.now(),
        **fields,
    )


def post_data(category, *sources, **changes):
    """The proposal form as the browser sends it, with three source rows; a filled row
    without a language is in English."""
    fields = {
        "title": "The developer who outsourced his own job",
        "decision": "Own programming work → a contractor in China",
        "summary": "A developer paid a firm in China to do his job.",
        "story": "He sent his **token** to China.",
        "category": str(category.pk),
        "decided_by": "The developer himself",
        "outsourced_what": "His own programming work",
        "provider": "A contractor in China",
        "year": "2012",
        "where": "United States",
        "outcome": "He was fired.",
        "sources-TOTAL_FORMS": "3",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "5",
    }
    rows = list(sources) or [{"url": "https://example.org/story"}]
    for index in range(3):
        row = rows[index] if index < len(rows) else {}
        fields[f"sources-{index}-url"] = row.get("url", "")
        fields[f"sources-{index}-description"] = row.get("description", "")
        fields[f"sources-{index}-language"] = row.get("language", "en" if row else "")
    fields.update(changes)
    return fields
