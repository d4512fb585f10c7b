"""`manage.py seed_load`: load data for the benchmark, consistent, re-runnable, and never
touching the seed cases or anything else it did not make."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from accounts.models import User
from cases.models import (
    Case,
    CaseLink,
    Category,
    Comment,
    CommentVote,
    HindsightVote,
    MindChange,
    ModerationLog,
    PerspectiveTally,
    VerdictPoint,
    Vote,
    VoteEvent,
)
from cases.services.recount import recount_votes

TINY = [
    "--cases", "30", "--votes", "600", "--users", "40",
    "--comments-small", "12", "--comments-large", "20", "--seed", "7",
]  # fmt: skip
LOAD_CASES = Q(slug__startswith="load-") | Q(slug__startswith="bench-")


def seed_load(*args: str) -> str:
    out = StringIO()
    call_command("seed_load", *TINY, *args, stdout=out)
    return out.getvalue()


def snapshot_of_others() -> dict:
    """Everything seed_load must leave alone: other cases with their figures, their votes,
    events, tallies and chart points, and other people."""
    others = Case.objects.exclude(LOAD_CASES)
    return {
        "cases": list(others.order_by("pk").values()),
        "votes": list(Vote.objects.filter(case__in=others).order_by("pk").values()),
        "events": list(VoteEvent.objects.filter(case__in=others).order_by("pk").values()),
        "tallies": sorted(
            PerspectiveTally.objects.filter(case__in=others).values_list(
                "case__slug", "perspective", "votes_yes", "votes_no", "votes_depends"
            )
        ),
        "points": sorted(
            VerdictPoint.objects.filter(case__in=others).values_list(
                "case__slug", "bucket", "events", "votes", "yes"
            )
        ),
        "users": list(
            User.objects.exclude(username__startswith="load-")
            .exclude(username="bench-reader")
            .order_by("pk")
            .values()
        ),
        "categories": list(Category.objects.exclude(slug__startswith="load-").values()),
    }


@pytest.fixture
def others(db, case, user, other_user, vote):
    """The seven seed cases plus a case with real votes (one moved) by real people."""
    call_command("seed_cases", stdout=StringIO())
    user.perspective = User.Perspective.MANAGER
    user.save()
    vote(user, case, "yes")
    vote(user, case, "no")
    vote(other_user, case, "depends")
    return snapshot_of_others()


@pytest.fixture
def loaded(others):
    return seed_load()


def test_creates_the_rows(loaded):
    cases = Case.objects.filter(LOAD_CASES)
    assert cases.count() == 30
    assert all(c.status == Case.Status.PUBLISHED and c.published_at for c in cases)
    assert all(c.story_html.startswith("<p>") for c in cases)
    assert User.objects.filter(username__startswith="load-user-").count() == 40
    reader = User.objects.get(username="bench-reader")
    assert reader.check_password("bench-reader-password")
    assert not User.objects.get(username="load-user-00001").has_usable_password()
    with_perspective = User.objects.filter(username__startswith="load-user-").exclude(
        perspective=""
    )
    assert 0 < with_perspective.count() < 40

    votes = Vote.objects.filter(case__in=cases)
    assert votes.count() == 600
    moved = votes.exclude(choice=F("first_choice"))
    assert moved.exists()
    assert all(v.change_count == 1 and v.previous_choice == v.first_choice for v in moved)
    assert votes.filter(choice="depends").exclude(condition="").exists()
    assert set(votes.values_list("choice", flat=True)) == {"yes", "no", "depends"}
    # One event per vote cast, one more per vote changed.
    assert VoteEvent.objects.filter(case__in=cases).count() == 600 + moved.count()
    # The reader voted on the discussed cases (for the signed-in pages).
    assert votes.filter(user=reader, case__slug="bench-50-comments").exists()
    assert "Load data in" in loaded and "figures:" in loaded


def test_comment_threads_with_ratings(loaded):
    for slug, n in [("bench-50-comments", 12), ("bench-500-comments", 20)]:
        comments = Comment.objects.filter(case__slug=slug)
        assert comments.count() == n
        assert comments.filter(parent=None).exists() and comments.filter(depth=1).exists()
        for comment in comments.select_related("parent"):
            assert comment.body_html
            if comment.parent is None:
                assert comment.depth == 0 and comment.root_id is None
            else:
                assert comment.depth == comment.parent.depth + 1 <= 2
                assert comment.root_id == (comment.parent.root_id or comment.parent_id)
                assert comment.created_at > comment.parent.created_at
    assert not Case.objects.filter(slug="bench-5000-comments").exists()
    ratings = CommentVote.objects.filter(comment__case__slug__startswith="bench-")
    assert ratings.exists()
    rated = Comment.objects.annotate(up=Count("ratings", filter=Q(ratings__value=1)))
    assert all(c.upvotes == c.up for c in rated)
    assert any(c.wilson > 0 for c in rated)
    assert MindChange.objects.count() == Vote.objects.filter(credited_change=1).count()
    assert ModerationLog.objects.filter(moderator_name="load-curator").exists()


def test_stored_figures_match_the_rows(loaded):
    assert recount_votes(fix=False) == []
    busiest = Case.objects.filter(LOAD_CASES).order_by("-event_count").first()
    assert busiest.vote_total and busiest.verdict_points.exists()
    assert busiest.comment_count == 0 or busiest.slug.startswith("bench-")


def test_blind_votes_and_the_bench_cases_judgement(loaded):
    """Most first votes are blind, so cases get a blind verdict and a shift; the bench cases
    get an outcome update, hindsight answers and links, all counted like the rest."""
    votes = Vote.objects.filter(case__in=Case.objects.filter(LOAD_CASES))
    assert 0.6 < votes.filter(blind=True).count() / votes.count() < 0.95
    assert Case.objects.filter(LOAD_CASES, verdict_shift__isnull=False).exists()
    bench = Case.objects.filter(slug__startswith="bench-").order_by("pk")
    for case in bench:
        assert case.outcome_known and case.outcome_updates.count() == 1
        assert case.foresight_total == case.vote_total
        assert case.hindsight_total == HindsightVote.objects.filter(case=case).count() > 0
    assert CaseLink.objects.filter(case_a__in=bench).count() == bench.count() - 1
    assert recount_votes(fix=False) == []


def test_leaves_everything_else_alone(others, loaded):
    assert snapshot_of_others() == others


def test_refuses_a_second_run_without_replace(loaded):
    before = Vote.objects.count(), Case.objects.count(), User.objects.count()

    with pytest.raises(CommandError, match="--replace"):
        seed_load()
    assert (Vote.objects.count(), Case.objects.count(), User.objects.count()) == before


def test_replace_loads_anew(others, loaded):
    output = seed_load("--replace", "--seed", "8")

    assert "deleted earlier load data" in output
    assert Case.objects.filter(LOAD_CASES).count() == 30
    assert Vote.objects.filter(case__in=Case.objects.filter(LOAD_CASES)).count() == 600
    assert User.objects.filter(username="bench-reader").count() == 1
    assert recount_votes(fix=False) == []
    assert snapshot_of_others() == others


def test_bulk_create_path_gives_the_same_data(others):
    """`--insert orm` (bulk_create) for votes and events, as the fast path would."""
    seed_load("--insert", "orm")

    votes = Vote.objects.filter(case__slug__startswith="load-") | Vote.objects.filter(
        case__slug__startswith="bench-"
    )
    assert votes.count() == 600
    assert recount_votes(fix=False) == []
    assert snapshot_of_others() == others


def test_a_huge_thread_on_request(db):
    seed_load("--comments-huge", "30")

    assert Comment.objects.filter(case__slug="bench-5000-comments").count() == 30
    assert Case.objects.filter(LOAD_CASES).count() == 30
