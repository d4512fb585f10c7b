"""Reader proposals: proposing a case (the service and the form) and the limit of pending
ones. Fixtures `category`, `data`, `suspended`: tests/conftest.py."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError

from cases import services
from cases.models import Case, Source
from tests.conftest import HTMX, run_at_once
from tests.factories import CategoryFactory, UserFactory
from tests.helpers_proposals import post_data, proposal, propose

URL = "/cases/new/"
THANKS = "Thanks! Your proposal is waiting for a curator."


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
