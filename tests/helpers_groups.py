"""Stored opinion groups for the tests of what readers see of them (tests/test_groups_*.py),
written as rows, as a run would store them (cases/services/opinion_groups.py), with answers
chosen so that each test knows what every page must show."""

from __future__ import annotations

import math

from cases.models import GroupCaseShare, OpinionGroup, OpinionGroupRun, ReaderGroup

# On every CONSENSUS_EVERY-th case (the first included) every group mostly says "made sense".
CONSENSUS_EVERY = 3


def stored_groups(sizes, cases, *, votes=12, members=None) -> list[OpinionGroup]:
    """A run with one group per size in `sizes` (largest first, as a run numbers them) and
    its shares on `cases`. Each group casts `votes` votes a case: on the consensus cases
    `votes − 1` "made sense" and one "did not"; on the others group g says "made sense"
    (votes − 2 of them) where the case's index plus g is even, else "did not". The group's
    places run along the non-consensus cases in their order. `members`: {group index:
    readers} stored as its members."""
    run = OpinionGroupRun.objects.create(
        k=len(sizes),
        readers=sum(sizes),
        cases=len(cases),
        votes=len(sizes) * len(cases) * votes,
        silhouette=0.6,
        seconds=0.5,
    )
    groups = OpinionGroup.objects.bulk_create(
        OpinionGroup(
            run=run,
            number=g + 1,
            size=size,
            centre_x=round(math.cos(2 * math.pi * g / len(sizes)), 3),
            centre_y=round(math.sin(2 * math.pi * g / len(sizes)), 3),
            label_auto=f"Automatic label of group {g + 1}",
        )
        for g, size in enumerate(sizes)
    )
    shares = []
    for g, group in enumerate(groups):
        place = 0
        for j, case in enumerate(cases):
            if j % CONSENSUS_EVERY == 0:
                counts, shown_place = (votes - 1, 1, 0), None
            else:
                place += 1
                shown_place = place
                counts = (votes - 2, 2, 0) if (j + g) % 2 == 0 else (2, votes - 2, 0)
            shares.append(
                GroupCaseShare(
                    group=group,
                    case=case,
                    votes_yes=counts[0],
                    votes_no=counts[1],
                    votes_depends=counts[2],
                    distance=0.5,
                    place=shown_place,
                )
            )
    GroupCaseShare.objects.bulk_create(shares)
    for g, readers in (members or {}).items():
        ReaderGroup.objects.bulk_create(
            ReaderGroup(user=reader, group=groups[g]) for reader in readers
        )
    return groups
