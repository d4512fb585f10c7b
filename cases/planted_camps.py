"""Synthetic votes with planted opinion camps, for the opinion-group tests and timing script
(and for load data that should show camps).

Each camp has a stance on every case, drawn at random: made sense, did not, or (less often) it
depends. Each reader belongs to one camp and votes on a random sample of the cases, answering
with their camp's stance, or, with probability `noise`, at random. Same seed, same votes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# How often a camp's stance on a case is made sense / did not / it depends.
STANCE_ODDS = (0.45, 0.45, 0.10)
STANCES = np.array([1, -1, 0], dtype=np.int8)


@dataclass(frozen=True)
class PlantedVotes:
    readers: np.ndarray  # (votes,) the voter's row
    cases: np.ndarray  # (votes,) the case's column
    answers: np.ndarray  # (votes,) +1, −1 or 0
    camps: np.ndarray  # (n_readers,) each reader's camp
    shape: tuple[int, int]


def planted_votes(
    *,
    n_readers: int,
    n_cases: int,
    n_votes: int,
    n_camps: int = 3,
    noise: float = 0.2,
    seed: int = 0,
) -> PlantedVotes:
    """`n_votes` distinct (reader, case) votes spread uniformly over the matrix."""
    if n_votes > n_readers * n_cases:
        raise ValueError("more votes than reader × case cells")
    rng = np.random.default_rng(seed)
    camps = rng.integers(0, n_camps, size=n_readers)
    stances = rng.choice(STANCES, size=(n_camps, n_cases), p=STANCE_ODDS)
    cells = rng.choice(n_readers * n_cases, size=n_votes, replace=False)
    readers, cases = np.divmod(cells, n_cases)
    answers = stances[camps[readers], cases]
    noisy = rng.random(n_votes) < noise
    answers[noisy] = rng.choice(STANCES, size=int(noisy.sum()))
    return PlantedVotes(readers, cases, answers, camps, (n_readers, n_cases))
