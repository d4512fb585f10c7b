"""Curators link related cases from the case page and remove links: plain and with htmx, the
guards, refusals that keep what was typed, and the seed's links."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from cases.models import Case, CaseLink, ModerationLog
from cases.seed_links import SEED_LINKS, seed_links
from cases.seeding import seed_cases
from cases.selectors.related import link_tools, related_cases
from cases.services.links import link_cases
from tests.conftest import HTMX
from tests.factories import CaseFactory

NOTE = "Hired once for a survey, not for everyday care."


@pytest.fixture
def other(db):
    return CaseFactory(slug="one-off-survey", title="A one-off survey by phone")


def add_url(case):
    return reverse("cases:link_add", kwargs={"slug": case.slug})


def remove_url(link):
    return reverse("cases:link_remove", kwargs={"link_id": link.pk})


def form_data(address="/cases/one-off-survey/", note=NOTE, **extra):
    return {"other": address, "note": note, "language": "en", **extra}


def made_link(curator, case, other):
    return link_cases(moderator=curator, case=case, other=other, note=NOTE, language="en")


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- adding ------------------------------------------------------------------------------


def test_a_curator_links_a_case_plain(curator_client, case, other):
    data = form_data(
        translation="Einmal für eine Umfrage beauftragt.", next=case.get_absolute_url()
    )
    response = curator_client.post(add_url(case), data)
    assert response.status_code == 302
    assert response.url == f"{case.get_absolute_url()}#related"
    assert messages_of(response) == ["“A one-off survey by phone” is linked as a related case."]
    link = CaseLink.objects.get()
    assert {link.case_a_id, link.case_b_id} == {case.pk, other.pk}
    assert (link.note, link.language, link.translations) == (
        NOTE,
        "en",
        {"de": "Einmal für eine Umfrage beauftragt."},
    )
    assert ModerationLog.objects.get().action == "link_cases"


def test_a_curator_links_a_case_with_htmx(curator_client, case, other):
    response = curator_client.post(add_url(case), form_data(), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div id="link-tools"') and "<html" not in html
    assert "“A one-off survey by phone” is linked as a related case." in html
    link = CaseLink.objects.get()
    assert remove_url(link) in html  # its remove button
    # The panel comes along out of band, with the other case and the note.
    panel = html[html.index('<section id="related"') :]
    assert panel.startswith('<section id="related" class="related-cases card card-body mb-4"')
    assert 'data-hx-swap-oob="true"' in panel[:200]
    assert f'href="{other.get_absolute_url()}"' in panel and NOTE in panel


@pytest.mark.parametrize(
    "address",
    [
        "one-off-survey",
        "/cases/one-off-survey/",
        "cases/one-off-survey",
        "  /cases/one-off-survey/?lang=de#comments  ",
        "http://testserver/cases/one-off-survey/",
        f"{settings.SITE_URL}/cases/one-off-survey/",
    ],
)
def test_the_other_case_is_named_by_its_address_or_slug(curator_client, case, other, address):
    response = curator_client.post(add_url(case), form_data(address))
    assert response.status_code == 302
    assert CaseLink.objects.filter(case_b=max(case.pk, other.pk)).exists()


@pytest.mark.parametrize(
    "address",
    [
        "no-such-case",
        "draft-case",
        "/cases/draft-case/",
        "/moderation/",
        "https://elsewhere.example/cases/one-off-survey/",
        "javascript:alert(1)",
        "//elsewhere.example/cases/one-off-survey/",
    ],
)
def test_a_bad_address_is_refused_and_keeps_the_typed_text(
    curator_client, case, other, draft_case, address
):
    response = curator_client.post(add_url(case), form_data(address))
    assert response.status_code == 400
    assert "No published case at that address." in response.text
    assert NOTE in response.text  # on the refusal page, to send again
    response = curator_client.post(add_url(case), form_data(address), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert "No published case at that address." in html
    assert f'value="{NOTE}"' in html
    assert 'aria-invalid="true"' in html
    assert not CaseLink.objects.exists() and not ModerationLog.objects.exists()


def test_a_missing_note_and_a_case_linked_twice_are_refused(curator, curator_client, case, other):
    response = curator_client.post(add_url(case), form_data(note=""), headers=HTMX)
    assert "Say what differs between the two cases." in response.text
    assert 'value="/cases/one-off-survey/"' in response.text
    made_link(curator, case, other)
    again = form_data(note="Said again, differently.")
    response = curator_client.post(add_url(case), again, headers=HTMX)
    assert "These two cases are already linked." in response.text
    assert 'value="Said again, differently."' in response.text
    response = curator_client.post(add_url(case), again)
    assert response.status_code == 400 and "already linked" in response.text
    assert "Said again, differently." in response.text
    assert CaseLink.objects.count() == 1


def test_linking_a_case_to_itself_is_refused(curator_client, case):
    response = curator_client.post(add_url(case), form_data(case.slug), headers=HTMX)
    assert "A case cannot be linked to itself." in response.text
    assert not CaseLink.objects.exists()


def test_a_next_off_the_site_is_refused_before_linking(curator_client, case, other):
    response = curator_client.post(add_url(case), form_data(next="https://elsewhere.example/"))
    assert response.status_code == 400
    assert not CaseLink.objects.exists()


# --- removing ----------------------------------------------------------------------------


def test_a_curator_removes_a_link_plain(curator, curator_client, case, other):
    link = made_link(curator, case, other)
    response = curator_client.post(remove_url(link), {"next": other.get_absolute_url()})
    assert response.url == f"{other.get_absolute_url()}#related"
    # Seen from the other case's page, the removed link leads to `case`.
    assert messages_of(response) == [f"The link to “{case.title}” is removed."]
    assert not CaseLink.objects.exists()
    assert ModerationLog.objects.filter(action="unlink_cases").count() == 1


def test_a_curator_removes_a_link_with_htmx(curator, curator_client, case, other):
    link = made_link(curator, case, other)
    kept = made_link(curator, case, CaseFactory(title="A split customer care"))
    data = {"next": case.get_absolute_url()}
    html = curator_client.post(remove_url(link), data, headers=HTMX).text
    assert html.lstrip().startswith('<div id="link-tools"')
    assert "The link to “A one-off survey by phone” is removed." in html
    assert remove_url(kept) in html and remove_url(link) not in html
    assert 'data-hx-swap-oob="true"' in html and "A split customer care" in html
    # The last one: the panel is removed out of band.
    html = curator_client.post(remove_url(kept), data, headers=HTMX).text
    assert '<section id="related" data-hx-swap-oob="delete"></section>' in html
    assert not CaseLink.objects.exists()


def test_removing_a_link_that_is_gone_is_404(curator_client):
    assert curator_client.post("/curate/links/999999/remove/").status_code == 404


# --- guards ------------------------------------------------------------------------------


def test_members_get_403_and_nothing_changes(curator, user_client, case, other):
    response = user_client.post(add_url(case), form_data())
    assert response.status_code == 403 and "Only curators can do this." in response.text
    link = made_link(curator, case, other)
    assert user_client.post(remove_url(link), headers=HTMX).status_code == 403
    assert CaseLink.objects.count() == 1
    assert ModerationLog.objects.count() == 1  # the curator's link only


def test_visitors_are_sent_to_log_in(client, curator, case, other):
    response = client.post(add_url(case), form_data())
    assert response.url == f"/accounts/login/?next={case.get_absolute_url()}"
    link = made_link(curator, case, other)
    response = client.post(remove_url(link), {"next": other.get_absolute_url()})
    assert response.url == f"/accounts/login/?next={other.get_absolute_url()}"
    assert CaseLink.objects.count() == 1


# --- the tools' template -----------------------------------------------------------------


def test_the_tools_offer_the_form_in_the_readers_language(curator, case, other, rf):
    made_link(curator, case, other)
    request = rf.get(case.get_absolute_url())
    html = render_to_string(
        "cases/_link_tools.html", link_tools(case, related_cases(case)), request
    )
    assert f'action="{add_url(case)}"' in html and 'maxlength="200"' in html
    assert '<option value="en" selected>' in html
    assert "Remove the link to “A one-off survey by phone”" in html
    assert 'id="related"' not in html  # the panel only comes out of band


def test_a_link_shows_on_both_case_pages(curator_client, curator, case, other):
    made_link(curator, case, other)
    for page, shown in ((case, other), (other, case)):
        html = Client().get(page.get_absolute_url()).text
        assert '<section id="related"' in html and shown.title in html and NOTE in html
    assert 'id="link-tools"' in curator_client.get(case.get_absolute_url()).text


# --- the seed ----------------------------------------------------------------------------


def test_the_seed_links_are_made_once(db):
    seed_cases()
    created = seed_links()
    assert created == [" ↔ ".join(item["cases"]) for item in SEED_LINKS]
    assert seed_links() == []
    assert CaseLink.objects.count() == 3
    assert not ModerationLog.objects.exists()
    slug = dict(Case.objects.values_list("pk", "slug"))
    pairs = {
        frozenset((slug[a], slug[b])) for a, b in CaseLink.objects.values_list("case_a", "case_b")
    }
    assert (
        frozenset(
            (
                "corporation-splits-customer-care-across-contractors",
                "central-breakdown-dispatch-for-all-auto-clubs",
            )
        )
        in pairs
    )
    for link in CaseLink.objects.all():
        assert link.case_a_id < link.case_b_id
        assert link.language == "en" and link.translations["de"]
        assert len(link.note) <= 200 and len(link.translations["de"]) <= 200
