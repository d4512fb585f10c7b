"""How long the opinion-group computation takes at the issue's scale, and whether it finds the
planted camps. No database: the votes are synthetic (cases/planted_camps.py).

    .venv/bin/python scripts/time_opinion_groups.py
    .venv/bin/python scripts/time_opinion_groups.py --readers 2000 --cases 10000 --votes 1000000

Builds the sparse vote matrix of `--readers` × `--cases` with `--votes` votes from three planted
camps (one answer in five at random), then times `find_opinion_groups` on it (the time
`manage.py compute_opinion_groups` adds to reading and storing the votes) and prints the groups
found and the share of readers in their camp's group.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import permutations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from cases.opinion_groups import find_opinion_groups, vote_matrices
    from cases.planted_camps import planted_votes

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=2_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--camps", type=int, default=3)
    parser.add_argument("--noise", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    options = parser.parse_args()

    started = time.perf_counter()
    planted = planted_votes(
        n_readers=options.readers,
        n_cases=options.cases,
        n_votes=options.votes,
        n_camps=options.camps,
        noise=options.noise,
        seed=options.seed,
    )
    answers, voted = vote_matrices(planted.readers, planted.cases, planted.answers, planted.shape)
    built = time.perf_counter()
    result = find_opinion_groups(answers, voted)
    seconds = time.perf_counter() - built

    print(
        f"Votes: {voted.nnz:,} of {options.readers:,} readers on {options.cases:,} cases, "
        f"{options.camps} planted camps (built in {built - started:.1f} s)."
    )
    print(f"Took part: {len(result.readers):,} readers, {len(result.cases):,} cases.")
    sizes = result.sizes.tolist()
    print(f"Groups: k = {result.k}, sizes {sizes}, silhouette {result.silhouette:.3f}.")
    if result.k:
        truth = planted.camps[result.readers]
        correct = max(
            float(np.mean(np.asarray(matching)[result.labels] == truth))
            for matching in permutations(range(max(result.k, options.camps)))
        )
        print(f"Readers in their camp's group: {correct:.1%}.")
    print(f"find_opinion_groups took {seconds:.2f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
