"""Reader proposals: proposing a case, the limit of pending ones, the profile's list, and
editing and resubmitting a proposal a curator sent back."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.models import Case, Source
from tests.conftest import HTMX, run_at_once
from tests.factories import CaseFactory, CategoryFactory, SourceFactory, UserFactory

URL = "/cases/new/"
THANKS = "Thanks! Your proposal is waiting for a curator."


@pytest.fixture
def category(db):
    return CategoryFactory(name="Customer care", slug="customer-care")


@pytest.fixture
def data(category):
    return {
        "title": "The developer who outsourced his own job",
        "decision": "Own programming work → a contractor in China",
        "summary": "A developer paid a firm in China to do his job and browsed all day.",
        "story": "He sent his **token** to China.",
        "category": category,
        "year": 2012,
        "where": "United States",
        "outcome": "",
    }


@pytest.fixture
def suspended(db):
    return UserFactory(username="spammer", suspended_permanently=True, suspension_reason="Spam")


def propose(user, data, sources=None, **changes):
    return services.propose_case(
        proposer=user,
        data={**data, **changes},
        sources=sources if sources is not None else [{"url": "https://example.org/story"}],
    )


def proposal(proposer, status=Case.Status.PENDING, **fields):
    return CaseFactory(
        proposer=proposer,
        status=status,
        published_at=timezone.now() if status == Case.Status.PUBLISHED else None,
        submitted_at=timezone.now(),
        **fields,
    )


def post_data(category, *sources, **changes):
    """The proposal form as the browser sends it, with three source rows."""
    fields = {
        "title": "The developer who outsourced his own job",
        "decision": "Own programming work → a contractor in China",
        "summary": "A developer paid a firm in China to do his job.",
        "story": "He sent his **token** to China.",
        "category": str(category.pk),
        "year": "2012",
        "where": "United States",
        "outcome": "He was fired.",
        "sources-TOTAL_FORMS": "3",
        "sources-INITIAL_FORMS": "0",
        "sources-MIN_NUM_FORMS": "1",
        "sources-MAX_NUM_FORMS": "5",
    }
    rows = list(sources) or [{"url": "https://example.org/story"}]
    for index in range(3):
        row = rows[index] if index < len(rows) else {}
        fields[f"sources-{index}-url"] = row.get("url", "")
        fields[f"sources-{index}-description"] = row.get("description", "")
    fields.update(changes)
    return fields


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# Services -------------------------------------------------------------------------------


def test_propose_case_starts_pending_with_a_slug_and_its_sources(user, data):
    case = propose(
        user,
        data,
        sources=[
            {"url": "https://example.org/story", "description": ""},
            {"url": "", "description": "My own experience, 2019"},
        ],
    )

    case.refresh_from_db()
    assert case.status == Case.Status.PENDING
    assert case.proposer == user
    assert case.submitted_at is not None
    assert case.published_at is None
    assert case.slug == "the-developer-who-outsourced-his-own-job"
    assert [(s.title, s.url) for s in case.sources.all()] == [
        ("https://example.org/story", "https://example.org/story"),
        ("My own experience, 2019", ""),
    ]


def test_slugs_are_made_unique_with_a_number(user, other_user, data):
    first = propose(user, data)
    second = propose(user, data)
    third = propose(other_user, data)

    assert [first.slug, second.slug, third.slug] == [
        "the-developer-who-outsourced-his-own-job",
        "the-developer-who-outsourced-his-own-job-2",
        "the-developer-who-outsourced-his-own-job-3",
    ]


def test_a_slug_never_takes_the_proposal_forms_address(user, data):
    assert propose(user, data, title="New").slug == "new-2"


def test_a_title_without_latin_letters_still_gets_a_slug(user, data):
    assert propose(user, data, title="外包").slug == "case"


def test_the_fourth_pending_proposal_is_refused_and_nothing_is_saved(user, data):
    for _ in range(services.MAX_PENDING_PROPOSALS):
        propose(user, data)

    with pytest.raises(ValidationError, match="already have 3 proposals waiting"):
        propose(user, data, title="One too many")

    assert Case.objects.filter(proposer=user).count() == 3
    assert not Case.objects.filter(title="One too many").exists()
    assert Source.objects.filter(case__proposer=user).count() == 3


def test_reviewed_proposals_do_not_count_towards_the_limit(user, other_user, data):
    proposal(user, Case.Status.PUBLISHED)
    proposal(user, Case.Status.REJECTED)
    proposal(user, Case.Status.NEEDS_CHANGES)
    proposal(other_user)
    proposal(other_user)
    propose(user, data)
    propose(user, data)

    assert propose(user, data).status == Case.Status.PENDING


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        ([], "at least one source"),
        ([{"url": "", "description": "   "}], "a link or a description"),
        ([{"url": "not a link"}], "valid URL"),
        ([{"description": "x" * 301}], "at most 300"),
        ([{"description": f"Source {n}"} for n in range(6)], "at most 5 sources"),
    ],
)
def test_sources_are_required_and_checked(user, data, sources, message):
    with pytest.raises(ValidationError, match=message):
        propose(user, data, sources=sources)
    assert not Case.objects.exists()


def test_a_source_may_be_only_a_description(user, data):
    case = propose(user, data, sources=[{"description": "My own experience, 2019"}])
    assert case.sources.get().title == "My own experience, 2019"


def test_missing_fields_are_refused(user, data):
    with pytest.raises(ValidationError):
        propose(user, data, title="")
    assert not Case.objects.exists()


def test_a_proposal_cannot_set_the_status(user, data):
    with pytest.raises(TypeError):
        propose(user, data, status=Case.Status.PUBLISHED)


@pytest.mark.django_db(transaction=True)
def test_tabs_submitting_at_once_cannot_pass_the_limit_together():
    person = UserFactory(username="hasty")
    category = CategoryFactory()
    for _ in range(2):
        proposal(person)
    data = {"title": "Same", "decision": "d", "summary": "s", "story": "t", "category": category}

    results, errors = run_at_once(5, lambda i: propose(person, data))

    assert len(results) == 1
    assert len(errors) == 4
    assert all(isinstance(error, ValidationError) for error in errors)
    assert Case.objects.filter(proposer=person, status=Case.Status.PENDING).count() == 3


@pytest.mark.django_db(transaction=True)
def test_people_proposing_the_same_title_at_once_get_distinct_slugs():
    people = UserFactory.create_batch(5)
    category = CategoryFactory()
    data = {"title": "Same title", "decision": "d", "summary": "s", "story": "t"}

    results, errors = run_at_once(5, lambda i: propose(people[i], data, category=category))

    assert errors == []
    assert sorted(case.slug for case in results) == [
        "same-title",
        "same-title-2",
        "same-title-3",
        "same-title-4",
        "same-title-5",
    ]


def test_a_suspended_user_cannot_propose(suspended, data):
    with pytest.raises(PermissionDenied, match="Spam"):
        propose(suspended, data)
    assert not Case.objects.exists()


def test_resubmit_moves_needs_changes_back_to_pending_and_replaces_sources(user, data):
    case = propose(user, data)
    Case.objects.filter(pk=case.pk).update(
        status=Case.Status.NEEDS_CHANGES,
        review_note="Please add a source.",
        submitted_at=timezone.now() - timezone.timedelta(days=2),
    )
    case.refresh_from_db()
    before = case.submitted_at

    resubmitted = services.resubmit_proposal(
        proposer=user,
        case=case,
        data={**data, "title": "A better title"},
        sources=[{"url": "https://example.org/a"}, {"description": "An interview"}],
    )

    resubmitted.refresh_from_db()
    assert resubmitted.status == Case.Status.PENDING
    assert resubmitted.title == "A better title"
    assert resubmitted.slug == "the-developer-who-outsourced-his-own-job"  # addresses stay
    assert resubmitted.submitted_at > before
    assert [s.title for s in resubmitted.sources.all()] == [
        "https://example.org/a",
        "An interview",
    ]


@pytest.mark.parametrize(
    "status",
    [Case.Status.PENDING, Case.Status.REJECTED, Case.Status.PUBLISHED, Case.Status.DRAFT],
)
def test_resubmit_only_from_needs_changes(user, data, status):
    case = proposal(user, status)
    with pytest.raises(ValidationError, match="sent back for changes"):
        services.resubmit_proposal(
            proposer=user, case=case, data=data, sources=[{"description": "Mine"}]
        )
    case.refresh_from_db()
    assert case.status == status


def test_resubmit_only_by_the_proposer(user, other_user, data):
    case = proposal(user, Case.Status.NEEDS_CHANGES)
    with pytest.raises(PermissionDenied):
        services.resubmit_proposal(
            proposer=other_user, case=case, data=data, sources=[{"description": "Mine"}]
        )
    case.refresh_from_db()
    assert case.status == Case.Status.NEEDS_CHANGES


def test_resubmit_respects_the_limit(user, data):
    case = proposal(user, Case.Status.NEEDS_CHANGES)
    for _ in range(3):
        proposal(user)
    with pytest.raises(ValidationError, match="already have 3"):
        services.resubmit_proposal(
            proposer=user, case=case, data=data, sources=[{"description": "Mine"}]
        )
    case.refresh_from_db()
    assert case.status == Case.Status.NEEDS_CHANGES


def test_a_suspended_proposer_cannot_resubmit(suspended, data):
    case = proposal(suspended, Case.Status.NEEDS_CHANGES)
    with pytest.raises(PermissionDenied, match="Spam"):
        services.resubmit_proposal(
            proposer=suspended, case=case, data=data, sources=[{"description": "Mine"}]
        )


# Views: proposing ------------------------------------------------------------------------


def test_anonymous_get_and_post_go_to_login(client, category):
    for response in (client.get(URL), client.post(URL, post_data(category))):
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/cases/new/"
    assert not Case.objects.exists()


def test_the_form_page(user_client):
    response = user_client.get(URL)

    assert response.status_code == 200
    page = response.text
    assert "Propose a case" in page
    for name in ("title", "decision", "summary", "story", "category", "year", "where", "outcome"):
        assert f'name="{name}"' in page
    assert 'name="sources-TOTAL_FORMS"' in page
    assert 'name="sources-2-description"' in page
    assert 'for="id_title"' in page  # explicit labels


def test_the_nav_offers_proposing_to_logged_in_people_only(client, user_client):
    assert 'href="/cases/new/"' in user_client.get("/").text
    client.logout()
    assert 'href="/cases/new/"' not in client.get("/").text


def test_a_valid_post_saves_a_pending_proposal_and_goes_to_the_profile(user_client, user, category):
    response = user_client.post(
        URL,
        post_data(
            category,
            {"url": "example.org/story"},
            {"description": "My own experience, 2019"},
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/users/alice/"
    assert messages_of(response) == [THANKS]
    case = Case.objects.get()
    assert case.status == Case.Status.PENDING
    assert case.proposer == user
    assert case.outcome == "He was fired."
    assert [(s.title, s.url) for s in case.sources.all()] == [
        ("https://example.org/story", "https://example.org/story"),
        ("My own experience, 2019", ""),
    ]


def test_an_empty_row_before_a_filled_one_is_ignored(user_client, category):
    response = user_client.post(URL, post_data(category, {}, {"description": "A talk"}))

    assert response.status_code == 302
    assert [s.title for s in Case.objects.get().sources.all()] == ["A talk"]


def test_errors_rerender_the_form_with_everything_typed(user_client, category):
    response = user_client.post(
        URL,
        post_data(
            category,
            {"url": "not a link at all", "description": "Typed description"},
            title="",
            decision="",
            year="1900",
            summary="My typed summary",
        ),
    )

    assert response.status_code == 200
    page = response.text
    assert "This field is required." in page
    assert "Give a year between 1950 and" in page
    assert "Enter a full web address" in page
    assert "My typed summary" in page
    assert 'value="not a link at all"' in page
    assert 'value="Typed description"' in page
    assert 'value="United States"' in page
    assert "is-invalid" in page
    assert not Case.objects.exists()


def test_no_source_at_all_is_refused(user_client, category):
    response = user_client.post(URL, post_data(category, {}, {}, {}))

    assert response.status_code == 200
    assert "Give at least one source: a link or a description." in response.text
    assert not Case.objects.exists()


def test_the_fourth_pending_proposal_is_refused_with_a_message(user_client, user, category):
    for _ in range(3):
        proposal(user)

    response = user_client.post(URL, post_data(category, title="One too many"))

    assert response.status_code == 200
    assert "You already have 3 proposals waiting for a curator." in response.text
    assert 'value="One too many"' in response.text
    assert Case.objects.filter(proposer=user).count() == 3
    assert not Case.objects.filter(title="One too many").exists()


def test_a_suspended_user_is_refused_with_the_reason(client, suspended, category):
    client.force_login(suspended)

    response = client.post(URL, post_data(category))

    assert response.status_code == 403
    assert "Spam" in response.text
    assert not Case.objects.exists()
    assert client.get(URL).status_code == 403


def test_htmx_valid_post_redirects_by_header(user_client, category):
    response = user_client.post(URL, post_data(category), headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == "/users/alice/"
    assert messages_of(response) == [THANKS]
    assert Case.objects.get().status == Case.Status.PENDING


def test_htmx_invalid_post_answers_the_form_fragment(user_client, category):
    response = user_client.post(
        URL, post_data(category, {"url": "nope"}, title="", where="Typed region"), headers=HTMX
    )

    assert response.status_code == 200
    page = response.text
    assert page.lstrip().startswith('<div id="proposal-form">')
    assert "<html" not in page
    assert "This field is required." in page
    assert 'value="Typed region"' in page
    assert not Case.objects.exists()


# The profile -----------------------------------------------------------------------------


@pytest.fixture
def proposals(user):
    return {
        "pending": proposal(user, title="Waiting one"),
        "published": proposal(user, Case.Status.PUBLISHED, title="Published one", slug="pub"),
        "needs_changes": proposal(
            user,
            Case.Status.NEEDS_CHANGES,
            title="Sent back one",
            slug="sent-back",
            review_note="Add the year it happened.",
        ),
        "rejected": proposal(
            user, Case.Status.REJECTED, title="Rejected one", review_note="Not outsourcing."
        ),
    }


def test_the_owner_sees_their_proposals_and_their_states(user_client, proposals):
    page = user_client.get("/users/alice/").text

    assert "Your proposals" in page
    assert page.index("Rejected one") < page.index("Waiting one")  # newest first
    for text in (
        "Waiting one",
        "Pending review",
        "Published",
        'href="/cases/pub/"',
        "Sent back one",
        "Needs changes",
        "Add the year it happened.",
        'href="/cases/sent-back/edit/"',
        "Edit and resubmit",
        "Rejected one",
        "Rejected",
        "Not outsourcing.",
    ):
        assert text in page


def test_the_proposals_cost_one_query(user_client, proposals):
    with CaptureQueriesContext(connection) as captured:
        user_client.get("/users/alice/")
    proposal_queries = [q for q in captured.captured_queries if '"proposer_id"' in q["sql"]]
    assert len(proposal_queries) == 1


def test_others_and_anonymous_do_not_see_the_proposals(client, other_user, proposals):
    assert "Your proposals" not in client.get("/users/alice/").text
    client.force_login(other_user)
    page = client.get("/users/alice/").text
    assert "Your proposals" not in page
    assert "Add the year it happened." not in page
    assert "Not outsourcing." not in page


# Editing and resubmitting ----------------------------------------------------------------


@pytest.fixture
def sent_back(user, category):
    case = proposal(
        user,
        Case.Status.NEEDS_CHANGES,
        title="Sent back",
        slug="sent-back",
        category=category,
        year=2015,
        where="Germany",
        review_note="Which call center was it?",
    )
    SourceFactory(case=case, title="https://example.org/a", url="https://example.org/a")
    SourceFactory(case=case, title="My own experience", url="")
    return case


EDIT_URL = "/cases/sent-back/edit/"


def test_the_edit_page_shows_the_note_and_the_proposal(user_client, sent_back):
    response = user_client.get(EDIT_URL)

    assert response.status_code == 200
    page = response.text
    assert "Which call center was it?" in page
    assert 'value="Sent back"' in page
    assert 'value="https://example.org/a"' in page
    assert 'value="My own experience"' in page
    assert 'name="sources-TOTAL_FORMS" value="4"' in page


def test_the_proposer_edits_and_resubmits(user_client, sent_back, category):
    response = user_client.post(
        EDIT_URL,
        post_data(
            category,
            {"url": "https://example.org/a"},
            {},  # emptied: removed
            {"description": "The call center's own website"},
            title="Sent back, now better",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/users/alice/"
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.PENDING
    assert sent_back.title == "Sent back, now better"
    assert sent_back.slug == "sent-back"
    assert [s.title for s in sent_back.sources.all()] == [
        "https://example.org/a",
        "The call center's own website",
    ]
    page = user_client.get("/users/alice/").text
    assert "waiting for a curator again" in page
    assert "Pending review" in page
    assert user_client.get(EDIT_URL).status_code == 404  # no longer editable


def test_an_invalid_edit_keeps_the_typed_values_and_the_case(user_client, sent_back, category):
    response = user_client.post(EDIT_URL, post_data(category, title="", where="Typed place"))

    assert response.status_code == 200
    assert 'value="Typed place"' in response.text
    assert "Which call center was it?" in response.text
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.NEEDS_CHANGES
    assert sent_back.where == "Germany"


def test_htmx_resubmit_redirects_by_header(user_client, sent_back, category):
    response = user_client.post(EDIT_URL, post_data(category), headers=HTMX)

    assert response["HX-Redirect"] == "/users/alice/"
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.PENDING


def test_another_user_gets_404(client, other_user, sent_back, category):
    client.force_login(other_user)
    assert client.get(EDIT_URL).status_code == 404
    assert client.post(EDIT_URL, post_data(category)).status_code == 404
    sent_back.refresh_from_db()
    assert sent_back.status == Case.Status.NEEDS_CHANGES


def test_a_pending_proposal_cannot_be_edited(user_client, user):
    proposal(user, slug="waiting")
    assert user_client.get("/cases/waiting/edit/").status_code == 404


def test_anonymous_edit_goes_to_login(client, sent_back):
    response = client.get(EDIT_URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cases/sent-back/edit/"


def test_a_suspended_proposer_cannot_resubmit_through_the_page(client, suspended, category):
    proposal(suspended, Case.Status.NEEDS_CHANGES, slug="theirs")
    client.force_login(suspended)

    response = client.post("/cases/theirs/edit/", post_data(category))

    assert response.status_code == 403
    assert "Spam" in response.text
