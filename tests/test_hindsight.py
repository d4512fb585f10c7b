"""Hindsight, the services: outcome updates (curators only, logged, the foresight snapshot on
the first one), the second question's answers and tallies against their rows, the recount
of those figures, the seed's outcome, and answers arriving at once on PostgreSQL.

Checked by hand to go red on PostgreSQL: without both row locks in cast_hindsight_vote, one
reader's two answers at once both went through (the one-answer constraint failed) and
answers deadlocked; without the voter's lock alone, answers deadlocked with cast_vote (the
answer's insert waits for the voter's row while holding the case's). Without the case's
lock alone it stays green: the voter's lock already serialises one reader's answers, and the
tallies move with F().
"""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases import services
from cases.models import Case, HindsightVote, ModerationLog, OutcomeUpdate, Vote
from cases.rule_of_thumb import agreement, hindsight_agreement
from cases.seed_outcomes import seed_outcomes
from cases.seeding import seed_cases
from cases.services.hindsight import (
    add_outcome_update,
    cast_hindsight_vote,
    remove_outcome_update,
)
from cases.services.recount_hindsight import hindsight_drift
from tests.conftest import run_at_once
from tests.factories import CaseFactory, UserFactory

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
CHOICES = ["yes", "no", "depends"]


def add(curator, case, **changes):
    fields = {
        "happened_on": date(2013, 1, 17),
        "text": "The contractor was let go.",
        "source_title": "A newspaper",
        "source_url": "https://example.org/report",
        "language": "en",
    }
    return add_outcome_update(moderator=curator, case=case, **{**fields, **changes})


def numbers(case):
    case = Case.objects.get(pk=case.pk)
    return {
        "foresight": (case.foresight_yes, case.foresight_no, case.foresight_depends),
        "hindsight": (case.hindsight_yes, case.hindsight_no, case.hindsight_depends),
        "changed": case.hindsight_changed,
        "from_foresight": case.hindsight_from_foresight,
    }


# --- outcome updates ---------------------------------------------------------------------


def test_the_first_update_keeps_every_vote_held_then_as_foresight(case, curator, vote):
    voters = UserFactory.create_batch(3)
    vote(voters[0], case, "yes")
    vote(voters[1], case, "yes")
    vote(voters[2], case, "no")
    version = Case.objects.get(pk=case.pk).page_version

    update = add(curator, case, text="  The contractor was let go.  ")

    stored = Case.objects.get(pk=case.pk)
    assert stored.outcome_known_at is not None and case.outcome_known
    assert numbers(case)["foresight"] == (2, 1, 0)
    assert stored.page_version > version
    assert list(Vote.objects.order_by("pk").values_list("foresight_choice", flat=True)) == [
        "yes",
        "yes",
        "no",
    ]
    assert update.text == "The contractor was let go." and update.author == curator
    log = ModerationLog.objects.get()
    assert (log.action, log.case_id, log.moderator) == ("add_outcome", case.pk, curator)
    assert log.params == {"date": "2013-01-17"}
    assert "17" in log.describe() and "2013" in log.describe()


def test_later_updates_and_later_votes_leave_the_snapshot_alone(case, curator, vote):
    early, late = UserFactory.create_batch(2)
    vote(early, case, "yes")
    add(curator, case)
    known_at = Case.objects.get(pk=case.pk).outcome_known_at
    vote(early, case, "no")  # changes their answer: the foresight one stays
    vote(late, case, "no")  # voted after the outcome was known: no foresight answer
    add(curator, case, happened_on=date(2014, 3, 1), text="The firm sued.")

    assert Case.objects.get(pk=case.pk).outcome_known_at == known_at
    assert numbers(case)["foresight"] == (1, 0, 0)
    assert Vote.objects.get(user=early).foresight_choice == "yes"
    assert Vote.objects.get(user=late).foresight_choice == ""


def test_removing_an_update_hides_it_logs_it_and_keeps_the_snapshot(case, curator, vote):
    vote(UserFactory(), case, "depends")
    update = add(curator, case)

    remove_outcome_update(moderator=curator, update=update, reason="Wrong case.")
    remove_outcome_update(moderator=curator, update=update)  # again: nothing more happens

    assert OutcomeUpdate.objects.get().removed_at is not None
    assert Case.objects.get(pk=case.pk).outcome_known
    assert numbers(case)["foresight"] == (0, 0, 1)
    removed = ModerationLog.objects.filter(action="remove_outcome").get()
    assert removed.reason == "Wrong case."
    assert removed.describe().startswith("Removed the update dated")
    assert removed.describe().endswith("Wrong case.")


def test_only_curators_add_and_remove_updates(case, curator, user):
    with pytest.raises(PermissionDenied):
        add(user, case)
    update = add(curator, case)
    with pytest.raises(PermissionDenied):
        remove_outcome_update(moderator=user, update=update)
    assert OutcomeUpdate.objects.get().removed_at is None
    assert ModerationLog.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"text": "   "}, "Say what happened."),
        ({"text": "x" * 601}, "at most 600 characters"),
        ({"source_title": ""}, "Name the source"),
        ({"source_url": "javascript:alert(1)"}, "not a web address"),
        ({"language": "fr"}, "not a language of this site"),
        ({"happened_on": date.today() + timedelta(days=2)}, "in the future"),
    ],
)
def test_a_bad_update_is_refused_with_a_reason(case, curator, changes, reason):
    with pytest.raises(ValidationError, match=reason):
        add(curator, case, **changes)
    assert not OutcomeUpdate.objects.exists()
    assert not Case.objects.get(pk=case.pk).outcome_known


def test_an_unpublished_case_gets_no_update(draft_case, curator):
    with pytest.raises(ValidationError, match="Only a published case"):
        add(curator, draft_case)
    assert not OutcomeUpdate.objects.exists() and not ModerationLog.objects.exists()


# --- hindsight answers ---------------------------------------------------------------------


def test_the_question_opens_only_once_the_outcome_is_known(case, user):
    with pytest.raises(PermissionDenied, match="once a curator has added"):
        cast_hindsight_vote(user=user, case=case, choice="yes")
    assert not HindsightVote.objects.exists()


def test_answers_move_the_tallies_and_count_who_judged_differently(case, curator, vote):
    steady, turncoat, newcomer = UserFactory.create_batch(3)
    vote(steady, case, "yes")
    vote(turncoat, case, "yes")
    add(curator, case)

    first = cast_hindsight_vote(user=steady, case=case, choice="yes")
    assert first.is_new and first.vote.foresight_choice == "yes"
    cast_hindsight_vote(user=turncoat, case=case, choice="no")
    cast_hindsight_vote(user=newcomer, case=case, choice="no")  # no foresight answer
    assert numbers(case) == {
        "foresight": (2, 0, 0), "hindsight": (1, 2, 0), "changed": 1, "from_foresight": 2
    }  # fmt: skip
    assert case.hindsight_no == 2  # the caller's case carries the new tallies

    again = cast_hindsight_vote(user=turncoat, case=case, choice="yes")  # back to foresight
    assert again.changed and again.previous_choice == "no"
    same = cast_hindsight_vote(user=steady, case=case, choice="yes")
    assert not same.changed and not same.is_new
    assert numbers(case) == {
        "foresight": (2, 0, 0), "hindsight": (2, 1, 0), "changed": 0, "from_foresight": 2
    }  # fmt: skip
    assert HindsightVote.objects.count() == 3
    assert hindsight_drift(fix=False) == []


def test_an_answer_that_changes_nothing_leaves_the_page_version(case, curator, user):
    add(curator, case)
    cast_hindsight_vote(user=user, case=case, choice="depends")
    version = Case.objects.get(pk=case.pk).page_version
    cast_hindsight_vote(user=user, case=case, choice="depends")
    assert Case.objects.get(pk=case.pk).page_version == version
    cast_hindsight_vote(user=user, case=case, choice="no")
    assert Case.objects.get(pk=case.pk).page_version == version + 1


def test_closed_cases_suspended_readers_and_bad_answers_are_refused(case, curator, user):
    add(curator, case)
    with pytest.raises(ValidationError):
        cast_hindsight_vote(user=user, case=case, choice="maybe")
    suspended = UserFactory(suspended_permanently=True, suspension_reason="Spam")
    with pytest.raises(PermissionDenied, match="suspended"):
        cast_hindsight_vote(user=suspended, case=case, choice="yes")
    services.close_case(moderator=curator, case=case, reason="Verdict final.")
    with pytest.raises(PermissionDenied, match="closed"):
        cast_hindsight_vote(user=user, case=case, choice="yes")
    assert not HindsightVote.objects.exists()
    assert numbers(case)["hindsight"] == (0, 0, 0)


def test_the_rule_of_thumb_is_compared_with_the_hindsight_verdict(case, curator):
    Case.objects.filter(pk=case.pk).update(frequency="every_day", name_on_service=True)
    case.refresh_from_db()
    assert agreement(case).hindsight is None  # nobody answered yet
    add(curator, case)
    for voter in UserFactory.create_batch(10):
        cast_hindsight_vote(user=voter, case=case, choice="no")
    hindsight = agreement(Case.objects.get(pk=case.pk)).hindsight
    assert (hindsight.crowd, hindsight.agrees, hindsight.total) == ("no", True, 10)
    Case.objects.filter(pk=case.pk).update(hindsight_no=5, hindsight_yes=5)
    split = hindsight_agreement(Case.objects.get(pk=case.pk))
    assert split.crowd is None and split.agrees is None and split.too_close


# --- the recount ---------------------------------------------------------------------------


def test_the_recount_reports_and_fixes_drifted_hindsight_figures(case, curator, vote):
    other = CaseFactory()
    voter = UserFactory()
    vote(voter, case, "no")
    add(curator, case)
    cast_hindsight_vote(user=voter, case=case, choice="yes")
    assert hindsight_drift(fix=False) == []
    Case.objects.filter(pk=case.pk).update(
        foresight_no=4, hindsight_changed=0, hindsight_from_foresight=3
    )
    Case.objects.filter(pk=other.pk).update(hindsight_yes=2)

    drifts = hindsight_drift(fix=True)

    found = {(drift.case.slug, drift.field, drift.stored, drift.counted) for drift in drifts}
    assert found == {
        (case.slug, "foresight_no", 4, 1),
        (case.slug, "hindsight_changed", 0, 1),
        (case.slug, "hindsight_from_foresight", 3, 1),
        (other.slug, "hindsight_yes", 2, 0),
    }
    assert any("foresight_no stored 4, counted 1" in str(drift) for drift in drifts)
    assert numbers(case) == {
        "foresight": (0, 1, 0), "hindsight": (1, 0, 0), "changed": 1, "from_foresight": 1
    }  # fmt: skip
    assert numbers(other)["hindsight"] == (0, 0, 0)
    assert hindsight_drift(fix=False) == []


# --- the seed ------------------------------------------------------------------------------


def test_the_first_seed_case_gets_its_outcome_once(db, vote):
    seed_cases()
    bob = Case.objects.get(slug="developer-outsources-his-own-job")
    vote(UserFactory(), bob, "depends")

    assert seed_outcomes() == ["developer-outsources-his-own-job"]
    assert seed_outcomes() == []  # idempotent

    update = OutcomeUpdate.objects.get()
    assert update.case == bob and update.removed_at is None
    assert update.source_title in set(bob.sources.values_list("title", flat=True))
    assert "dismissed" in update.text_in("en") and "entließ" in update.text_in("de")
    assert numbers(bob)["foresight"] == (0, 0, 1)
    assert not ModerationLog.objects.exists()  # not a curator's act
    assert Case.objects.filter(outcome_known_at__isnull=False).get() == bob  # the others: none


def test_the_seed_leaves_a_removed_outcome_removed(db, curator):
    seed_cases()
    seed_outcomes()
    remove_outcome_update(moderator=curator, update=OutcomeUpdate.objects.get())
    assert seed_outcomes() == []
    assert OutcomeUpdate.objects.filter(removed_at__isnull=True).count() == 0


# --- answers at once -----------------------------------------------------------------------


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite runs one write at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_answers_leave_exact_tallies(curators_group):
    """Twelve voters, each answering from two threads at once (a double click) and changing
    their answer twice; a third thread per voter changes their first vote meanwhile."""
    case = CaseFactory()
    curator = UserFactory(username="hindsight-curator", is_staff=True)
    curator.groups.add(curators_group)
    voters = [UserFactory() for _ in range(12)]
    for i, voter in enumerate(voters[:8]):
        services.cast_vote(user=voter, case=case, choice=CHOICES[i % 3])
    add(curator, case)

    def work(i):
        voter = voters[i // 3]
        if i % 3 == 2:
            services.cast_vote(user=voter, case=case, choice=CHOICES[i % 3])
            return
        for step in range(3):
            cast_hindsight_vote(user=voter, case=case, choice=CHOICES[(i + step) % 3])

    _, errors = run_at_once(3 * len(voters), work)

    assert errors == []
    assert HindsightVote.objects.count() == 12
    assert Case.objects.get(pk=case.pk).hindsight_total == 12
    assert hindsight_drift(fix=False) == []
    assert services.recount_votes(fix=False) == []


def test_an_update_dated_today_is_accepted(case, curator):
    update = add(curator, case, happened_on=timezone.localdate(), source_url="")
    assert update.source_url == "" and OutcomeUpdate.objects.count() == 1
