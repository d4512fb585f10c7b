"""The opinion-group computation (cases/opinion_groups.py) on synthetic votes with planted
camps: no database. Storage, the command and the reads: tests/test_opinion_groups_storage.py."""

from itertools import permutations

import numpy as np
import pytest
from scipy import sparse

from cases.opinion_groups import (
    MIN_CASE_VOTERS,
    MIN_READER_VOTES,
    find_opinion_groups,
    share_distances,
    vote_matrices,
)
from cases.planted_camps import planted_votes

# 300 readers, 200 cases, 6,000 votes: 20 votes a reader (90 % of the matrix missing), 30
# voters a case, one answer in five at random.
CAMPS = {"n_readers": 300, "n_cases": 200, "n_votes": 6_000, "noise": 0.2, "seed": 7}


def groups_of(planted, **options):
    answers, voted = vote_matrices(planted.readers, planted.cases, planted.answers, planted.shape)
    return find_opinion_groups(answers, voted, **options)


def share_correct(truth: np.ndarray, labels: np.ndarray, k: int) -> float:
    """The share of readers in their camp's group, under the best matching of groups."""
    return max(
        float(np.mean(np.asarray(matching)[labels] == truth))
        for matching in permutations(range(max(k, truth.max() + 1)))
    )


@pytest.fixture(scope="module")
def planted():
    return planted_votes(**CAMPS)


@pytest.fixture(scope="module")
def result(planted):
    return groups_of(planted)


def test_three_planted_camps_are_found(planted, result):
    assert result.k == 3
    assert result.found
    assert len(result.readers) == 300
    assert share_correct(planted.camps[result.readers], result.labels, result.k) >= 0.9
    assert result.silhouette > 0.3


def test_groups_are_numbered_by_size_and_centred_on_their_readers(result):
    sizes = result.sizes
    assert sizes.sum() == len(result.readers)
    assert list(sizes) == sorted(sizes, reverse=True)
    for g in range(result.k):
        members = result.coordinates[result.labels == g]
        assert np.allclose(result.centres[g], members.mean(axis=0), atol=1e-6)


def test_counts_hold_every_vote_that_took_part_by_group_case_and_answer(planted, result):
    assert result.counts.shape == (3, len(result.cases), 3)
    assert result.counts.sum() == result.votes == CAMPS["n_votes"]
    # One group on one case, counted by hand.
    group_readers = set(result.readers[result.labels == 0].tolist())
    case = result.cases[0]
    mine = [
        answer
        for reader, c, answer in zip(planted.readers, planted.cases, planted.answers, strict=True)
        if c == case and reader in group_readers
    ]
    assert list(result.counts[0, 0]) == [mine.count(1), mine.count(-1), mine.count(0)]
    assert np.nansum(result.shares[0, 0]) == pytest.approx(1.0)
    expected_mean = (mine.count(1) - mine.count(-1)) / len(mine)
    assert result.mean_answers[0, 0] == pytest.approx(expected_mean)


def test_a_group_stands_furthest_from_the_others_where_its_camp_answers_otherwise(planted, result):
    distances = result.distances
    assert distances.shape == (3, len(result.cases))
    assert ((distances >= 0) & (distances < 1)).all()
    # The group's furthest case: its camp's answer there is not the other camps' answer.
    for g in range(result.k):
        camp = np.bincount(planted.camps[result.readers[result.labels == g]]).argmax()
        case = result.cases[distances[g].argmax()]
        on_case = planted.cases == case
        answers_of = {
            c: np.bincount(planted.answers[on_case & (planted.camps[planted.readers] == c)] + 1)
            for c in range(3)
        }
        stance = {c: counts.argmax() for c, counts in answers_of.items()}
        assert all(stance[camp] != stance[other] for other in range(3) if other != camp)


def test_share_distance_is_zero_for_the_same_spread_and_large_for_opposite_answers():
    same = np.array([[[100, 50, 10]], [[200, 100, 20]]])
    opposite = np.array([[[30, 0, 0]], [[0, 30, 0]]])
    assert share_distances(same) == pytest.approx(np.zeros((2, 1)), abs=0.02)
    assert (share_distances(opposite) > 0.9).all()


def test_the_same_votes_give_the_same_groups(planted, result):
    again = groups_of(planted)
    assert again.k == result.k
    assert np.array_equal(again.labels, result.labels)
    assert np.array_equal(again.coordinates, result.coordinates)
    assert again.silhouette == result.silhouette


def test_readers_and_cases_below_the_minimums_are_left_out(planted):
    n_readers, n_cases = planted.shape
    busy = np.bincount(planted.cases, minlength=n_cases).argsort()[::-1][:MIN_READER_VOTES]
    thin_case = n_cases  # a new case with one voter too few
    few, enough, thinned = n_readers, n_readers + 1, n_readers + 2
    extra = [
        # A reader with one vote too few.
        *[(few, case, 1) for case in busy[: MIN_READER_VOTES - 1]],
        # A reader with exactly enough votes, all "it depends": a vote, not a missing one.
        *[(enough, case, 0) for case in busy],
        # Enough votes, but one is on the thin case, which does not take part: too few left.
        *[(thinned, case, -1) for case in busy[: MIN_READER_VOTES - 1]],
        (thinned, thin_case, 1),
        *[(reader, thin_case, 1) for reader in range(MIN_CASE_VOTERS - 2)],
    ]
    rows, cols, answers = (np.array(column) for column in zip(*extra, strict=True))
    answer_matrix, voted = vote_matrices(
        np.concatenate([planted.readers, rows]),
        np.concatenate([planted.cases, cols]),
        np.concatenate([planted.answers, answers]),
        (n_readers + 3, n_cases + 1),
    )

    result = find_opinion_groups(answer_matrix, voted)

    assert enough in result.readers
    assert few not in result.readers
    assert thinned not in result.readers
    assert thin_case not in result.cases
    assert len(result.cases) == n_cases
    assert result.k == 3


def test_it_depends_votes_are_counted_not_taken_for_missing(planted, result):
    # Stored as explicit zeros in `answers`, marked in `voted`: each one is in the counts.
    depends = int((planted.answers == 0).sum())
    assert result.counts[:, :, 2].sum() == depends > 0


def test_answers_must_be_votes_and_only_where_voted():
    voted = sparse.csr_matrix(np.array([[1, 1, 0]], dtype=bool))
    with pytest.raises(ValueError, match="only where voted"):
        find_opinion_groups(sparse.csr_matrix(np.array([[1, 0, -1]])), voted)
    with pytest.raises(ValueError, match=r"\+1, −1 or 0"):
        find_opinion_groups(sparse.csr_matrix(np.array([[2, 0, 0]])), voted)
    with pytest.raises(ValueError, match="shape"):
        find_opinion_groups(sparse.csr_matrix((1, 4)), voted)


def test_too_few_readers_give_no_groups():
    # Four readers: no case reaches ten voters, so nothing takes part.
    planted = planted_votes(n_readers=4, n_cases=12, n_votes=48, seed=1)
    result = groups_of(planted)
    assert result.k == 0
    assert not result.found
    assert len(result.readers) == len(result.cases) == 0
    assert result.counts.shape == (0, 0, 3)
    assert result.sizes.shape == (0,)


def test_readers_who_all_answer_alike_give_no_groups():
    readers, cases = np.divmod(np.arange(30 * 12), 12)
    answers, voted = vote_matrices(readers, cases, np.ones(len(readers)), (30, 12))
    result = find_opinion_groups(answers, voted)
    assert result.k == 0
    assert len(result.readers) == 30
