"""`seed_load --camps N` plants opinion camps in the load votes (cases/load_camps.py), and
`compute_opinion_groups` finds them, so that /groups/ shows something real at scale. The rest of
seed_load: tests/test_seed_load.py."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q

from accounts.models import User
from cases.load_camps import LoadCamps, reader_camps
from cases.models import Case, ReaderGroup, Vote
from cases.services.opinion_groups import compute_opinion_groups

pytestmark = pytest.mark.django_db

SMALL = [
    "--cases", "30", "--votes", "1500", "--users", "60",
    "--comments-small", "3", "--comments-large", "3", "--seed", "5",
]  # fmt: skip


def seed_load(*args: str) -> str:
    out = StringIO()
    call_command("seed_load", *SMALL, *args, stdout=out)
    return out.getvalue()


def load_readers() -> list[int]:
    """The load readers' ids in seed_load's order (by id): the rows of `reader_camps`."""
    readers = User.objects.filter(Q(username__startswith="load-user-") | Q(username="bench-reader"))
    return list(readers.order_by("pk").values_list("pk", flat=True))


def test_planted_camps_are_found_as_groups(client):
    out = seed_load("--camps", "3")
    assert "planting 3 opinion camps" in out

    run = compute_opinion_groups().run

    assert run.k == 3
    readers = load_readers()
    planted = dict(zip(readers, reader_camps(len(readers), camps=3, seed=5).tolist(), strict=True))
    found = dict(ReaderGroup.objects.values_list("user_id", "group__number"))
    # Each group is mostly one camp; at least 90 % of the readers sit with their camp.
    pairs = np.array([(planted[user], number) for user, number in found.items()])
    agreeing = sum(
        np.bincount(pairs[pairs[:, 1] == number, 0]).max() for number in set(pairs[:, 1].tolist())
    )
    assert len(found) >= 0.9 * len(readers)
    assert agreeing >= 0.9 * len(found)
    assert {number for number in set(pairs[:, 1].tolist())} == {1, 2, 3}
    text = client.get("/groups/").text
    assert 'id="group-3"' in text and "load-user-" not in text


def test_camps_change_the_votes_and_without_them_the_seed_makes_the_same_ones():
    def votes():
        return sorted(Vote.objects.values_list("user__username", "case__slug", "choice"))

    def cases():
        return sorted(Case.objects.values_list("slug", "title"))

    seed_load()
    plain, titles = votes(), cases()
    seed_load("--replace", "--camps", "3")
    planted = votes()
    assert cases() == titles  # the cases come before the votes: the same
    seed_load("--replace", "--camps", "0")

    assert planted != plain
    assert votes() == plain


def test_one_camp_is_refused():
    with pytest.raises(CommandError, match="--camps must be 0"):
        seed_load("--camps", "1")


def test_a_loyal_reader_answers_with_the_camp():
    camps = LoadCamps(6, [11, 12], camps=2, seed=3)

    answers = [camps.answer(11, 0, "usual") for _ in range(400)]

    stance = camps.stances[11][camps.camp_of[0]]
    assert set(answers) == {stance, "usual"}
    assert 0.65 < answers.count(stance) / len(answers) < 0.85  # CAMP_LOYALTY, 0.75
