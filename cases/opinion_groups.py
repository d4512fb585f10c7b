"""Opinion groups across cases: the community's camps, found from who answered what.

A pure function of a sparse readers × cases vote matrix (no database here): `manage.py
compute_opinion_groups` reads the votes into one, calls `find_opinion_groups`, and stores the
result (cases/services/opinion_groups.py). The method is Pol.is's, applied across cases:

1. **Who takes part.** Readers with at least MIN_READER_VOTES votes and cases with at least
   MIN_CASE_VOTERS voters, counted among each other: dropping a thin case can leave a reader
   below the minimum and the other way round, so both are applied until neither changes.
2. **Missing votes.** A reader has answered a few hundred of the thousands of cases; the rest
   are missing, which is not "it depends". As Pol.is does, a missing answer is imputed with the
   case's mean answer among its voters: it says nothing about where the reader stands. PCA
   then subtracts each case's mean, which turns every imputed cell into exactly 0, so the
   centred matrix keeps the votes' sparsity: `answer − case mean` where a reader voted, nothing
   stored elsewhere. (The reader's own mean, the other common choice, would leave each case's
   column with a non-zero mean, and centring it would fill the whole matrix.)
3. **Two dimensions.** A truncated SVD of that centred sparse matrix is exactly PCA (computed
   by randomized SVD, which only multiplies with the sparse matrix); each reader's position is
   their row of U·Σ. As in Pol.is, it is then scaled by √(cases / the reader's votes): a
   reader with few votes sits near the centre only because most of their row was imputed, and
   the scaling moves them out toward where they lean.
4. **Groups.** k-means for each k in GROUP_COUNTS; the k with the best silhouette score wins
   (on a fixed sample of SILHOUETTE_SAMPLE readers when there are more). Groups are numbered
   by size, largest first. Every random choice uses RANDOM_STATE: the same votes give the same
   groups.

The result also holds each group's yes/no/depends counts per case and, per group and case, how
far the group stands from the other readers (`distances`), so that pages read stored numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import silhouette_score

MIN_READER_VOTES = 5
MIN_CASE_VOTERS = 10
GROUP_COUNTS = range(2, 6)  # the k tried by k-means
SILHOUETTE_SAMPLE = 3_000  # readers the silhouette score is computed on, at most
KMEANS_RUNS = 10  # k-means starts per k; the best of them is kept
RANDOM_STATE = 0
DIMENSIONS = 2

# The answers as numbers, and their order in `OpinionGroups.counts`.
ANSWER_VALUES = {"yes": 1, "no": -1, "depends": 0}
ANSWER_ORDER = ("yes", "no", "depends")
# `distances` compares answer shares smoothed as if each side had one more vote of each
# answer: a group of three readers who all said "yes" is not three times as sure as one.
SHARE_PRIOR = 1.0


@dataclass(frozen=True)
class OpinionGroups:
    """The groups found. Readers and cases are the input's row and column numbers."""

    readers: np.ndarray  # (n,) the rows that took part, ascending
    cases: np.ndarray  # (m,) the columns that took part, ascending
    labels: np.ndarray  # (n,) each reader's group, 0 … k−1 (0 the largest); −1 when k = 0
    coordinates: np.ndarray  # (n, 2) each reader's position
    centres: np.ndarray  # (k, 2) each group's centre in the same plane
    counts: np.ndarray  # (k, m, 3) yes, no, depends per group and case (ANSWER_ORDER)
    k: int  # 0: too few readers, cases or differences to tell groups apart
    silhouette: float  # of the chosen k, in [−1, 1]; 0.0 when k = 0
    votes: int  # the votes that took part

    @property
    def found(self) -> bool:
        return self.k > 0

    @property
    def sizes(self) -> np.ndarray:
        """(k,) readers per group."""
        return np.bincount(self.labels[self.labels >= 0], minlength=self.k)

    @property
    def totals(self) -> np.ndarray:
        """(k, m) votes per group and case."""
        return self.counts.sum(axis=2)

    @property
    def shares(self) -> np.ndarray:
        """(k, m, 3) each answer's share of the group's votes on the case (NaN: no votes)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.counts / self.totals[:, :, None]

    @property
    def mean_answers(self) -> np.ndarray:
        """(k, m) the group's mean answer on the case, from −1 (did not make sense) to +1
        (made sense), "it depends" counting 0 (NaN: no votes)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return (self.counts[:, :, 0] - self.counts[:, :, 1]) / self.totals

    @property
    def distances(self) -> np.ndarray:
        """(k, m) how far each group stands from all the other readers on each case: half the
        summed differences of the three answer shares (total variation distance), each side's
        shares smoothed by SHARE_PRIOR. 0 = same spread of answers, towards 1 = opposite."""
        return share_distances(self.counts)


def share_distances(counts: np.ndarray) -> np.ndarray:
    """`OpinionGroups.distances` from (k, m, 3) counts: each group against the rest."""
    rest = counts.sum(axis=0, keepdims=True) - counts
    group = (counts + SHARE_PRIOR) / (counts.sum(axis=2, keepdims=True) + 3 * SHARE_PRIOR)
    others = (rest + SHARE_PRIOR) / (rest.sum(axis=2, keepdims=True) + 3 * SHARE_PRIOR)
    return np.abs(group - others).sum(axis=2) / 2


def vote_matrices(
    readers: np.ndarray, cases: np.ndarray, answers: np.ndarray, shape: tuple[int, int]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """`find_opinion_groups`'s two inputs from one entry per vote: the reader's row, the
    case's column, and the answer (+1, −1 or 0)."""
    answers = np.asarray(answers, dtype=np.int8)
    ones = np.ones(len(answers), dtype=bool)
    return (
        sparse.csr_matrix((answers, (readers, cases)), shape=shape),
        sparse.csr_matrix((ones, (readers, cases)), shape=shape),
    )


def find_opinion_groups(
    answers: sparse.spmatrix | sparse.sparray,
    voted: sparse.spmatrix | sparse.sparray,
    *,
    min_reader_votes: int = MIN_READER_VOTES,
    min_case_voters: int = MIN_CASE_VOTERS,
    group_counts: range = GROUP_COUNTS,
    random_state: int = RANDOM_STATE,
) -> OpinionGroups:
    """The opinion groups of a readers × cases vote matrix (method: the module's docstring).

    `answers` holds +1 (made sense), −1 (did not make sense) and 0 (it depends); `voted`, of
    the same shape, is true where the reader voted. Two matrices because "it depends" is a
    0 that must stay apart from "not voted": a sparse matrix can store an explicit 0, but most
    scipy operations (arithmetic, `eliminate_zeros`, slicing some formats) silently drop it,
    and "it depends" would turn into "not voted". So `voted` alone says where the votes are,
    and `answers` is read only there (a non-zero answer where `voted` is false is an error).
    `vote_matrices` builds both from one entry per vote.
    """
    rows, cols, values = _votes(answers, voted)
    n_rows, n_cols = voted.shape
    taking_part = _taking_part(rows, cols, n_rows, n_cols, min_reader_votes, min_case_voters)
    rows, cols, values = rows[taking_part], cols[taking_part], values[taking_part]
    readers, row_of = np.unique(rows, return_inverse=True)
    cases, col_of = np.unique(cols, return_inverse=True)
    n, m = len(readers), len(cases)
    coordinates = np.zeros((n, DIMENSIONS))
    if n > DIMENSIONS and m > DIMENSIONS:
        coordinates = _positions(row_of, col_of, values, n, m, random_state)
    k, labels, centres, silhouette = _cluster(coordinates, group_counts, random_state)
    answer_index = np.select([values == 1, values == -1], [0, 1], 2)
    flat = (labels[row_of] * m + col_of) * 3 + answer_index if k else np.zeros(0, dtype=int)
    counts = np.bincount(flat, minlength=k * m * 3).reshape(k, m, 3)
    return OpinionGroups(
        readers=readers,
        cases=cases,
        labels=labels,
        coordinates=coordinates,
        centres=centres,
        counts=counts,
        k=k,
        silhouette=silhouette,
        votes=len(values),
    )


def _votes(answers, voted) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One entry per vote: (rows, columns, answers), explicit "it depends" zeros kept."""
    if answers.shape != voted.shape:
        raise ValueError(f"answers {answers.shape} and voted {voted.shape} differ in shape")
    answers = sparse.csr_matrix(answers, dtype=np.float64)
    if not np.isin(answers.data, (-1, 0, 1)).all():
        raise ValueError("answers must be +1, −1 or 0")
    voted = sparse.csr_matrix(voted, dtype=bool)
    voted.eliminate_zeros()
    # Voted cells become 3, 4 or 5 (answer + 4), never 0, so none of them is dropped; a cell
    # outside `voted` stays non-zero (±1) only if it holds an answer it should not.
    codes = sparse.coo_matrix(voted.astype(np.float64) * 4 + answers)
    codes.sum_duplicates()
    values = codes.data - 4
    if (codes.data < 3).any():
        raise ValueError("answers are given only where voted is true")
    return codes.row.astype(np.int64), codes.col.astype(np.int64), values.astype(np.int8)


def _taking_part(rows, cols, n_rows, n_cols, min_reader_votes, min_case_voters) -> np.ndarray:
    """Which votes count: both minimums applied until neither drops anything more."""
    keep = np.ones(len(rows), dtype=bool)
    while True:
        reader_votes = np.bincount(rows[keep], minlength=n_rows)
        case_voters = np.bincount(cols[keep], minlength=n_cols)
        still = (
            keep & (reader_votes >= min_reader_votes)[rows] & (case_voters >= min_case_voters)[cols]
        )
        if still.sum() == keep.sum():
            return keep
        keep = still


def _positions(row_of, col_of, values, n, m, random_state) -> np.ndarray:
    """Each reader's 2-D position: PCA of the case-mean-imputed matrix, done sparse."""
    voters = np.bincount(col_of, minlength=m)
    case_means = np.bincount(col_of, weights=values, minlength=m) / voters
    centred = sparse.csr_matrix(
        (values - case_means[col_of], (row_of, col_of)), shape=(n, m), dtype=np.float64
    )
    if not centred.data.any():  # every voter of every case answered alike: no direction
        return np.zeros((n, DIMENSIONS))
    # Randomized SVD (Halko et al.): a few products with the sparse matrix, never densified.
    svd = TruncatedSVD(n_components=DIMENSIONS, algorithm="randomized", random_state=random_state)
    positions = svd.fit_transform(centred)
    reader_votes = np.bincount(row_of, minlength=n)
    return positions * np.sqrt(m / reader_votes)[:, None]


def _cluster(coordinates, group_counts, random_state):
    """(k, labels, centres, silhouette) for the k with the best silhouette score."""
    n = len(coordinates)
    none = (0, np.full(n, -1, dtype=np.int64), np.zeros((0, DIMENSIONS)), 0.0)
    # k-means cannot make more groups than there are distinct positions, and the silhouette
    # needs at least one reader more than groups.
    distinct = len(np.unique(coordinates.round(9), axis=0)) if n else 0
    sample = SILHOUETTE_SAMPLE if n > SILHOUETTE_SAMPLE else None
    best = none
    for k in group_counts:
        if k < 2 or k > distinct or k >= n:
            continue
        kmeans = KMeans(n_clusters=k, n_init=KMEANS_RUNS, random_state=random_state)
        labels = kmeans.fit_predict(coordinates)
        score = float(
            silhouette_score(coordinates, labels, sample_size=sample, random_state=random_state)
        )
        if best[0] == 0 or score > best[3]:
            best = (k, labels, kmeans.cluster_centers_, score)
    k, labels, centres, score = best
    if not k:
        return none
    # Number the groups by size, largest first (then by position): stable names for a page.
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda g: (-sizes[g], *centres[g].round(9)))
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    return k, renumber[labels], centres[order], score
