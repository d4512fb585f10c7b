"""What happened next in the seed cases (cases/seed/outcomes.json): the first case's outcome
("Bob" was dismissed), citing a report the case already cites. Not a curator's act, so
nothing is logged; the outcome becomes known as when a curator adds it (the foresight
snapshot of cases.services.hindsight.make_outcome_known)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.db import transaction

from cases.models import Case, OutcomeUpdate
from cases.services.figures import discussion_changed
from cases.services.hindsight import make_outcome_known

OUTCOMES_FILE = Path(__file__).resolve().parent / "seed" / "outcomes.json"


@transaction.atomic
def seed_outcomes(path: Path = OUTCOMES_FILE) -> list[str]:
    """Give each seed case named in the file its update, if the case exists, is published
    and has never had one (a curator may have removed it: it stays removed). Returns the
    slugs of the cases that got one."""
    data = json.loads(path.read_text(encoding="utf-8"))
    added = []
    for item in data["outcomes"]:
        case = Case.objects.select_for_update().filter(slug=item["case"]).first()
        if case is None or not case.is_published or case.outcome_updates.exists():
            continue
        OutcomeUpdate.objects.create(
            case=case,
            happened_on=date.fromisoformat(item["happened_on"]),
            text=item["text"],
            source_title=item["source_title"],
            source_url=item["source_url"],
            language=item["language"],
            translations=item["translations"],
        )
        make_outcome_known(case)
        discussion_changed(case.pk)
        added.append(case.slug)
    return added
