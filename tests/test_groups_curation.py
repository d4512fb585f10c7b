"""Curators name the opinion groups (cases/services/opinion_groups.py `label_group`, the form on
/groups/): plain and htmx, refusals that keep the typed label, the log, and nobody else."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases.models import ModerationLog, OpinionGroup
from cases.models.groups import GROUP_LABEL_MAX
from cases.services.opinion_groups import label_group
from tests.conftest import HTMX
from tests.factories import CaseFactory
from tests.helpers_groups import stored_groups

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(db):
    return stored_groups([40, 25], [CaseFactory(title=f"Labelled case {n}") for n in range(3)])


def label_url(group) -> str:
    return reverse("cases:group_label", kwargs={"group_id": group.pk})


def logged():
    return list(ModerationLog.objects.filter(action=ModerationLog.Action.LABEL_GROUP))


def test_a_curator_names_a_group(
    curator_client, curator, groups, django_capture_on_commit_callbacks
):
    before = curator_client.get("/groups/").text  # now cached
    assert (
        f'id="group-name-{groups[1].pk}" class="group-label mb-1"><span class="group-label-part">'
        in before
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = curator_client.post(label_url(groups[1]), {"label": "  Loyalty first "})

    assert response.status_code == 302
    assert response["Location"] == "/groups/#group-2"
    assert OpinionGroup.objects.get(pk=groups[1].pk).label == "Loyalty first"
    (row,) = logged()
    assert (row.moderator, row.case_id) == (curator, None)
    assert row.params == {"number": 2, "label": "Loyalty first", "previous": ""}
    assert row.describe() == "Named group 2 “Loyalty first”."
    page = curator_client.get(response["Location"]).text
    assert "Group 2 is now called “Loyalty first”." in page
    # The page's cached content shows the new name at once.
    assert f'id="group-name-{groups[1].pk}" class="group-label mb-1">Loyalty first</p>' in page
    assert "Automatic label of group 2" not in page


def test_with_htmx_the_form_comes_back_with_the_message_and_the_label_out_of_band(
    curator_client, groups
):
    response = curator_client.post(label_url(groups[0]), {"label": "Cost first"}, headers=HTMX)

    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith(f'<form id="group-label-form-{groups[0].pk}"')
    assert "Group 1 is now called “Cost first”." in text
    assert 'value="Cost first"' in text
    assert (
        f'<p id="group-name-{groups[0].pk}" class="group-label mb-1" data-hx-swap-oob="true">'
        "Cost first</p>"
    ) in text
    assert OpinionGroup.objects.get(pk=groups[0].pk).label == "Cost first"
    assert len(logged()) == 1


def test_an_empty_name_brings_the_automatic_label_back(curator_client, curator, groups):
    label_group(moderator=curator, group=groups[0], label="Cost first")

    response = curator_client.post(label_url(groups[0]), {"label": ""}, headers=HTMX)

    assert "Group 1 shows its automatic label again." in response.text
    assert ">Automatic label of group 1</p>" in response.text
    assert OpinionGroup.objects.get(pk=groups[0].pk).label == ""
    assert logged()[0].describe() == "Group 1 shows its automatic label again."
    label_group(moderator=curator, group=groups[0], label="Thrift")
    label_group(moderator=curator, group=groups[0], label="Loyalty")
    assert logged()[0].describe() == "Renamed group 1 from “Thrift” to “Loyalty”."


def test_the_same_name_again_changes_and_logs_nothing(curator, groups):
    label_group(moderator=curator, group=groups[0], label="Cost first")
    label_group(moderator=curator, group=groups[0], label="Cost first ")

    assert len(logged()) == 1


def test_a_name_too_long_is_refused_and_kept_as_typed(curator_client, groups):
    typed = "A" * (GROUP_LABEL_MAX + 1)

    plain = curator_client.post(label_url(groups[0]), {"label": typed})
    assert plain.status_code == 400
    assert f"Say it in at most {GROUP_LABEL_MAX} characters." in plain.text
    assert typed in plain.text  # the refusal page offers the label to send again

    htmx = curator_client.post(label_url(groups[0]), {"label": typed}, headers=HTMX)
    assert htmx.status_code == 400
    assert htmx["X-Refusal"] == "1"
    assert f"Say it in at most {GROUP_LABEL_MAX} characters." in htmx.text
    assert OpinionGroup.objects.get(pk=groups[0].pk).label == ""
    assert logged() == []


def test_a_group_replaced_by_a_new_run_is_refused(curator, groups):
    group = groups[0]
    OpinionGroup.objects.filter(pk=group.pk).delete()

    with pytest.raises(ValidationError, match="no longer exists"):
        label_group(moderator=curator, group=group, label="Cost first")
    assert logged() == []


def test_the_form_of_a_group_gone_answers_404(curator_client, groups):
    url = label_url(groups[0])
    OpinionGroup.objects.filter(pk=groups[0].pk).delete()

    assert curator_client.post(url, {"label": "Cost first"}).status_code == 404


def test_members_may_not_name_groups(user_client, user, groups):
    response = user_client.post(label_url(groups[0]), {"label": "Cost first"})

    assert response.status_code == 403
    assert OpinionGroup.objects.get(pk=groups[0].pk).label == ""
    assert logged() == []
    with pytest.raises(PermissionDenied):
        label_group(moderator=user, group=groups[0], label="Cost first")
    assert 'id="group-labels"' not in user_client.get("/groups/").text


def test_visitors_are_sent_to_log_in_and_back_to_the_groups(client, groups):
    response = client.post(label_url(groups[0]), {"label": "Cost first"})

    assert response.status_code == 302
    assert "next=/groups/" in response["Location"]
    assert OpinionGroup.objects.get(pk=groups[0].pk).label == ""


def test_curators_see_a_form_per_shown_group(curator_client, groups):
    text = curator_client.get("/groups/").text

    tools = text.split('id="group-labels"')[1]
    assert tools.count('<form id="group-label-form-') == 2
    assert f'id="group-{groups[0].pk}-label"' in tools  # an id of its own per form
    assert "Automatic label: Automatic label of group 1" in tools


def test_the_log_names_the_act_and_links_the_groups(client, curator, groups):
    label_group(moderator=curator, group=groups[1], label="Loyalty first")

    text = client.get(reverse("cases:moderation_log")).text

    assert "Named an opinion group" in text
    assert 'href="/groups/">the opinion groups</a>' in text
    assert "Named group 2 “Loyalty first”." in text
    feed = client.get(reverse("cases:moderation_feed")).text
    assert "Named an opinion group: the opinion groups" in feed
