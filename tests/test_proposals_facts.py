"""Reader proposals: the case's facts (who decided, what was outsourced, to whom) and each
source's language, asked for by the form, never assumed. Fixtures: tests/conftest.py."""

import re

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.models import Case
from tests.factories import SourceFactory
from tests.helpers_proposals import post_data, proposal

URL = "/cases/new/"
FACTS = {
    "decided_by": "The developer himself",
    "outsourced_what": "His own programming work",
    "provider": "A contractor in China",
}


def options(page: str, name: str) -> list[tuple[str, bool]]:
    """The (value, selected) of each option of the <select name=name>."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return [
        (value, bool(selected))
        for value, selected in re.findall(r'<option value="([^"]*)"( selected)?', select)
    ]


# The form -----------------------------------------------------------------------------------


def test_the_form_asks_who_decided_what_was_outsourced_and_to_whom(user_client):
    page = user_client.get(URL).text

    for name, label in [
        ("decided_by", "Who decided"),
        ("outsourced_what", "What was outsourced"),
        ("provider", "To whom / where"),
    ]:
        assert f'name="{name}"' in page
        assert re.search(rf'for="id_{name}"[^>]*>\s*{re.escape(label)}', page)


def test_each_source_asks_for_its_language_without_a_default(user_client):
    page = user_client.get(URL).text

    for row in range(3):
        assert options(page, f"sources-{row}-language") == [
            ("", True),  # “Pick a language”
            ("en", False),
            ("de", False),
            ("other", False),
        ]
    assert "Another language" in page


def test_the_facts_and_the_source_languages_are_saved(user_client, category):
    response = user_client.post(
        URL,
        post_data(
            category,
            {"url": "https://example.org/bericht", "language": "de"},
            {"description": "A talk in Warsaw", "language": "other"},
            {"url": "https://example.org/story", "language": "en"},
        ),
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert {name: getattr(case, name) for name in FACTS} == FACTS
    assert [source.language for source in case.sources.all()] == ["de", "other", "en"]


@pytest.mark.parametrize("name", list(FACTS))
def test_each_fact_is_required(user_client, category, name):
    response = user_client.post(URL, post_data(category, **{name: "  "}))

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [("", "Say which language the source is in."), ("fr", "“fr” is not one of the languages.")],
)
def test_a_source_needs_one_of_the_offered_languages(user_client, category, language, message):
    row = {"url": "https://example.org/story", "description": "Typed", "language": language}

    response = user_client.post(URL, post_data(category, row))

    assert response.status_code == 200
    assert message in response.text
    assert 'value="Typed"' in response.text  # kept
    assert not Case.objects.exists()


def test_an_untouched_row_needs_no_language(user_client, category):
    response = user_client.post(URL, post_data(category, {}, {"description": "A talk"}))

    assert response.status_code == 302
    assert [(s.title, s.language) for s in Case.objects.get().sources.all()] == [("A talk", "en")]


def test_the_service_refuses_a_source_without_a_known_language(user, data):
    for source in ({"url": "https://example.org/a"}, {"description": "Mine", "language": "xx"}):
        with pytest.raises(ValidationError, match="Say which language each source is in"):
            services.propose_case(proposer=user, data=data, sources=[source])
    assert not Case.objects.exists()


def test_a_published_proposal_shows_its_facts_instead_of_not_known(user_client, curator, category):
    user_client.post(URL, post_data(category))
    case = Case.objects.get()
    services.publish_proposal(moderator=curator, case=case)

    page = user_client.get(case.get_absolute_url()).text

    for value in FACTS.values():
        assert value in page
    assert "Not known" not in page


# Editing a proposal sent back ----------------------------------------------------------------


def test_the_edit_page_shows_each_sources_language_chosen(user_client, user, category):
    case = proposal(user, Case.Status.NEEDS_CHANGES, slug="sent-back", category=category)
    SourceFactory(case=case, title="Ein Bericht", url="", language="de")
    SourceFactory(case=case, title="An old row", url="", language="fr")  # not offered

    page = user_client.get("/cases/sent-back/edit/").text

    assert ("de", True) in options(page, "sources-0-language")
    assert ("", True) in options(page, "sources-1-language")  # to be chosen again
