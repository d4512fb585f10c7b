"""What `seed_load` adds for the benchmark's cases so that their pages have every feature of
issue 12 on: an outcome update (with the foresight snapshot), hindsight answers from a share of
their voters, and links between them. Written as rows, like the rest of the load data (not
curator acts: no log rows), then counted by the hindsight recount."""

from __future__ import annotations

import random
from datetime import date
from itertools import pairwise

from django.db import transaction

from cases.models import Case, CaseLink, HindsightVote, OutcomeUpdate, Vote
from cases.services.hindsight import make_outcome_known
from cases.services.recount_hindsight import hindsight_drift

# The share of a bench case's voters who answer the hindsight question.
HINDSIGHT_SHARE = 0.3


@transaction.atomic
def add_judgement(slugs: list[str], *, rng: random.Random, batch_size: int = 5_000) -> int:
    """Outcome, hindsight answers and links for the cases of `slugs` (those that exist);
    returns how many hindsight answers were written."""
    cases = list(Case.objects.select_for_update().filter(slug__in=slugs).order_by("pk"))
    answers = 0
    for case in cases:
        make_outcome_known(case)
        OutcomeUpdate.objects.create(
            case=case,
            happened_on=date(2024, 5, 1),
            text="The contract ended after two years; the work came back in-house.",
            translations={"de": "Der Vertrag endete nach zwei Jahren; die Arbeit kam zurück."},
            source_title="A trade paper's report",
            language="en",
        )
        rows = []
        voters = Vote.objects.filter(case=case).values_list("user_id", "foresight_choice")
        for user_id, foresight in voters.iterator(chunk_size=batch_size):
            if rng.random() < HINDSIGHT_SHARE:
                choice = foresight if rng.random() < 0.7 else rng.choice(["yes", "no", "depends"])
                rows.append(
                    HindsightVote(
                        user_id=user_id, case=case, choice=choice, foresight_choice=foresight
                    )
                )
        HindsightVote.objects.bulk_create(rows, batch_size=batch_size)
        answers += len(rows)
    for first, second in pairwise(cases):
        CaseLink.objects.create(
            case_a=first,
            case_b=second,
            note="The same arrangement at another size.",
            translations={"de": "Dieselbe Vereinbarung in anderer Größe."},
            language="en",
        )
    hindsight_drift(fix=True)  # the hindsight tallies from the rows just written
    return answers
