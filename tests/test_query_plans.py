"""PostgreSQL's plans for the list sorts, search and every read of the case page: none scans
the votes or the comments (or the cases) from end to end; each can use an index.

Sequential scans are switched off for the test's transaction, so a "Seq Scan" left in a plan
means that no index can serve the query at all (the planner falls back to one only then).
"""

import pytest
from django.conf import settings
from django.db import connection

from cases.models import Case, Comment, Vote
from cases.selectors import comments as comment_reads
from tests.factories import CaseFactory, CommentFactory, UserFactory

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRESQL, reason="query plans are PostgreSQL's"),
]

FULL_SCANS = ("Seq Scan on cases_vote", "Seq Scan on cases_comment", "Seq Scan on cases_case")


@pytest.fixture
def no_seqscan(db):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # ends with the test's transaction


def assert_indexed(queryset):
    plan = queryset.explain()
    for scan in FULL_SCANS:
        assert scan not in plan, plan


@pytest.mark.parametrize("sort", ["new", "top", "discussed", "divided", "split", "shifted"])
def test_every_list_sort_reads_an_index(no_seqscan, sort):
    CaseFactory.create_batch(3)
    assert_indexed(Case.objects.published().select_related("category").sorted_by(sort)[:20])


def test_featured_cases_read_an_index(no_seqscan):
    assert_indexed(
        Case.objects.published().filter(featured_at__isnull=False).order_by("-featured_at")[:3]
    )


def test_search_reads_the_stored_document_through_its_index(no_seqscan):
    CaseFactory.create_batch(3)
    plan = Case.objects.search("call center").explain()
    assert "case_search_document_idx" in plan
    assert "to_tsvector" not in plan  # ranked on the stored vector, not recomputed per row


def test_every_read_of_the_case_page_uses_an_index(no_seqscan, user):
    case = CaseFactory()
    root = CommentFactory(case=case)
    CommentFactory(case=case, parent=root)
    roots = comment_reads.thread_roots(case, order="best", viewer_id=user.pk)
    assert_indexed(roots)
    assert_indexed(roots[:50])
    assert_indexed(Comment.objects.filter(root_id__in=[root.pk]))
    assert_indexed(
        comment_reads.readable_comments(case)
        .filter(upvotes__gt=0)
        .with_author_vote()
        .filter(author_vote="yes")
        .order_by(*comment_reads.BEST_ORDER)[:1]
    )
    assert_indexed(
        comment_reads.readable_comments(case)
        .filter(minds_changed__gt=0)
        .order_by("-minds_changed")[:3]
    )
    # depends_conditions(case), the voter's own vote:
    assert_indexed(
        Vote.objects.filter(case=case, choice="depends")
        .exclude(condition="")
        .order_by("-updated_at", "-pk")[:20]
    )
    assert_indexed(Vote.objects.filter(user=UserFactory(), case=case))
