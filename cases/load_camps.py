"""Opinion camps planted in `seed_load --camps N`'s votes, so that `compute_opinion_groups` finds
groups and /groups/ shows something real at scale.

Each load reader belongs to one of N camps (`reader_camps`), and each camp has a stance on
every case, drawn with cases.planted_camps's odds: made sense, did not, or less often it
depends. A reader answers with their camp's stance with probability CAMP_LOYALTY; otherwise
as seed_load would have them answer without camps (the case's own leaning and their
perspective's). The camps draw from random streams of their own, so that the rest of the load
data is what the same seed always makes, and without camps nothing changes at all.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from cases.planted_camps import STANCE_ODDS, STANCES

# How often a reader answers with their camp rather than with the case's usual leaning.
CAMP_LOYALTY = 0.75
# The answers of cases.planted_camps.STANCES (+1, −1, 0), as Vote.Choice values.
STANCE_CHOICES = {1: "yes", -1: "no", 0: "depends"}


def reader_camps(n_readers: int, *, camps: int, seed: int) -> np.ndarray:
    """(n_readers,) each reader's camp, 0 … camps − 1, for readers in seed_load's order (by
    id). The same numbers for the same arguments: a test can tell who was planted where."""
    return np.random.default_rng(seed).integers(0, camps, size=n_readers)


class LoadCamps:
    """The camps of one load: `answer` turns a reader's usual answer into their camp's."""

    def __init__(self, n_readers: int, case_ids: Sequence[int], *, camps: int, seed: int) -> None:
        if camps < 2:
            raise ValueError("camps need at least two to tell apart")
        self.camps = camps
        self.camp_of = reader_camps(n_readers, camps=camps, seed=seed).tolist()
        stances = np.random.default_rng(seed + 1).choice(
            STANCES, size=(camps, len(case_ids)), p=STANCE_ODDS
        )
        self.stances = {
            case_id: [STANCE_CHOICES[int(stance)] for stance in stances[:, column]]
            for column, case_id in enumerate(case_ids)
        }
        self.rng = random.Random(seed + 2)

    def answer(self, case_id: int, reader: int, usual: str) -> str:
        """The answer of the `reader`-th load reader on the case, given their `usual` one."""
        if self.rng.random() < CAMP_LOYALTY:
            return self.stances[case_id][self.camp_of[reader]]
        return usual
