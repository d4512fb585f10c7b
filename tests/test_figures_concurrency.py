"""Every stored figure stays exact under concurrent writers: threads on a file SQLite database
and on PostgreSQL cast, change and re-cast votes (with perspectives and conditions), switch
perspectives, post, hide and rate comments, all at once; then the recount finds no drift.

Checked by hand to go red: without the case's row lock in cast_vote, on PostgreSQL, concurrent
votes compute the same chart point and the derived figures from stale numbers (20 of the 24
voters failed on the chart point's unique constraint).
"""

import pytest

from cases import services
from cases.models import Case, Comment
from tests.conftest import run_at_once
from tests.factories import CaseFactory, UserFactory

PERSPECTIVES = ["employee", "manager", "customer", ""]
CHOICES = ["yes", "no", "depends"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_voters_perspectives_and_comments_leave_no_drift(curators_group):
    case = CaseFactory()
    curator = UserFactory(username="hammer-curator", is_staff=True)
    curator.groups.add(curators_group)
    voters = [UserFactory(perspective=PERSPECTIVES[i % 4]) for i in range(24)]
    first = services.add_comment(author=voters[0], case=case, body="The first word.")

    def work(i):
        voter = voters[i]
        services.cast_vote(user=voter, case=case, choice=CHOICES[i % 3], condition="cost")
        services.cast_vote(user=voter, case=case, choice=CHOICES[(i + 1) % 3], condition="time")
        if i % 4 == 0:
            services.set_perspective(user=voter, perspective=PERSPECTIVES[(i // 4 + 1) % 4])
        comment = services.add_comment(author=voter, case=case, body=f"Point {i}.")
        if i % 5 == 0:
            services.hide_comment(moderator=curator, comment=comment, reason="Off-topic.")
        if i:
            services.rate_comment(user=voter, comment=first, value=1 if i % 2 else -1)
        services.cast_vote(user=voter, case=case, choice=CHOICES[i % 3])

    _, errors = run_at_once(len(voters), work)

    assert errors == []
    stored = Case.objects.get(pk=case.pk)
    assert stored.vote_total == 24
    assert stored.event_count == 24 * 3
    assert stored.comment_count == Comment.objects.visible().count() == 1 + 24 - 5
    assert services.recount_votes(fix=False) == []


@pytest.mark.django_db(transaction=True)
def test_switching_perspective_while_voting_leaves_the_perspective_tallies_exact():
    """One thread per voter changes their vote while another switches their perspective: the
    voter's row lock (taken by both services, before the case's) keeps every vote in exactly
    one perspective's tally."""
    cases = CaseFactory.create_batch(2)
    voters = [UserFactory(perspective="employee") for _ in range(8)]
    for voter in voters:
        for case in cases:
            services.cast_vote(user=voter, case=case, choice="yes")

    def work(i):
        voter = voters[i // 2]
        for step in range(6):
            if i % 2:
                services.set_perspective(user=voter, perspective=PERSPECTIVES[step % 4])
            else:
                case = cases[step % 2]
                services.cast_vote(user=voter, case=case, choice=CHOICES[step % 3])

    _, errors = run_at_once(2 * len(voters), work)

    assert errors == []
    assert services.recount_votes(fix=False) == []
