"""The precedent links between the seed cases (cases/seed/cases.json) that their posts suggest.

The blogger sets the one-off survey against permanent customer care, tells permanent care
split among several contractors from first-hand experience, and contrasts that with the
central breakdown dispatch as the case where outsourcing works. Each note reads from both
pages (what differs between the two), in English with its German wording.
"""

from __future__ import annotations

from django.db import transaction

from cases.models import Case, CaseLink
from cases.services.figures import discussion_changed

SEED_LINKS = (
    {
        "cases": (
            "call-center-customer-satisfaction-survey",
            "permanent-customer-care-to-call-center",
        ),
        "note": "One-off survey vs. permanent customer care: the same kind of call center, but "
        "needed once instead of every day.",
        "de": "Einmalige Umfrage oder dauerhafte Kundenbetreuung: dieselbe Art Callcenter, aber "
        "einmal statt jeden Tag gebraucht.",
    },
    {
        "cases": (
            "permanent-customer-care-to-call-center",
            "corporation-splits-customer-care-across-contractors",
        ),
        "note": "Customer care handed to one outside call center vs. split among several "
        "contractors that compete with each other.",
        "de": "Kundenbetreuung bei einem einzigen externen Callcenter oder aufgeteilt auf "
        "mehrere Dienstleister, die miteinander konkurrieren.",
    },
    {
        "cases": (
            "corporation-splits-customer-care-across-contractors",
            "central-breakdown-dispatch-for-all-auto-clubs",
        ),
        "note": "Ongoing care split among rival contractors vs. one shared center for a narrow, "
        "urgent task that leaves the customers with their own clubs.",
        "de": "Dauerhafte Betreuung, verteilt auf rivalisierende Dienstleister, oder eine "
        "gemeinsame Zentrale für eine enge, dringende Aufgabe, die die Kunden bei ihren "
        "eigenen Clubs lässt.",
    },
)


@transaction.atomic
def seed_links() -> list[str]:
    """Create the seed links that are missing, between seed cases that exist; never touch an
    existing link. Not a curator's act: no moderator, no log row. Returns the pairs created
    ("slug ↔ slug")."""
    slugs = {slug for item in SEED_LINKS for slug in item["cases"]}
    ids = dict(Case.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    created = []
    for item in SEED_LINKS:
        first, second = item["cases"]
        if first not in ids or second not in ids:
            continue
        case_a, case_b = sorted((ids[first], ids[second]))
        _link, is_new = CaseLink.objects.get_or_create(
            case_a_id=case_a,
            case_b_id=case_b,
            defaults={"note": item["note"], "language": "en", "translations": {"de": item["de"]}},
        )
        if is_new:
            discussion_changed(case_a, case_b)  # both cached pages show the new link
            created.append(f"{first} ↔ {second}")
    return created
