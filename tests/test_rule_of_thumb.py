import pytest
from django.core.management import call_command
from django.test import Client

from cases.models import Case
from cases.rule_of_thumb import agreement, crowd_verdict, predict, predict_case
from cases.services import record_factors, refresh_rule_figures
from tests.factories import CaseFactory, UserFactory


@pytest.mark.parametrize(
    ("frequency", "name_on", "data_shared", "rare", "verdict"),
    [
        ("once", False, None, None, "yes"),  # a van for one move, no name on it
        ("every_day", True, True, False, "no"),  # the firm's own customer care
        ("every_day", False, None, True, "yes"),  # the central breakdown dispatch
        ("now_and_then", True, None, None, "depends"),  # one point each way
        ("once", False, True, None, "yes"),  # a one-off survey: two for, one against
        ("", True, True, None, "no"),
        ("every_day", None, None, None, None),  # one factor is too little to judge
        ("", None, None, None, None),
    ],
)
def test_predict(frequency, name_on, data_shared, rare, verdict):
    prediction = predict(
        frequency=frequency,
        name_on_service=name_on,
        customer_data_shared=data_shared,
        rare_expertise=rare,
    )
    assert prediction.verdict == verdict


def test_prediction_gives_its_reasons():
    prediction = predict(
        frequency="every_day", name_on_service=False, customer_data_shared=True, rare_expertise=True
    )
    assert [str(r) for r in prediction.reasons_for] == [
        "the company's own name is not on the service",
        "rare specialist know-how is needed",
    ]
    assert [str(r) for r in prediction.reasons_against] == [
        "needed every day: nobody takes a taxi to work for 40 years",
        "customers' data passes to a second firm",
    ]
    assert prediction.verdict == "depends"


@pytest.mark.parametrize(
    ("tallies", "crowd"),
    [
        ((0, 0, 0), None),
        ((3, 1, 0), None),  # fewer than 10 votes: too close to call
        ((9, 1, 0), "yes"),
        ((2, 2, 1), None),
        ((1, 2, 5), None),  # fewer than 10 votes
        ((1, 2, 12), "depends"),
        ((40, 39, 21), None),  # a lead within the margin of error
    ],
)
def test_crowd_verdict_is_the_clear_leader(tallies, crowd):
    case = Case(votes_yes=tallies[0], votes_no=tallies[1], votes_depends=tallies[2])
    assert crowd_verdict(case) == crowd


def test_agreement_and_the_most_disagreeing_first(db):
    agreeing = CaseFactory(frequency="once", name_on_service=False, votes_yes=9, votes_no=1)
    mild = CaseFactory(frequency="once", name_on_service=False, votes_yes=5, votes_no=15)
    strong = CaseFactory(frequency="once", name_on_service=False, votes_yes=1, votes_no=9)
    close = CaseFactory(frequency="once", name_on_service=False, votes_yes=4, votes_no=6)
    unjudged = CaseFactory(votes_no=30)
    assert agreement(agreeing).agrees is True
    assert agreement(strong).disagreement == pytest.approx(0.9)
    assert agreement(unjudged).agrees is None
    assert agreement(close).agrees is None and agreement(close).too_close
    for case in (agreeing, mild, strong, close, unjudged):
        refresh_rule_figures(case=case)  # what the vote service stores with each vote
    stored = Case.objects.filter(rule_agrees__isnull=False)
    assert (stored.count(), stored.filter(rule_agrees=True).count()) == (3, 1)
    assert list(stored.filter(rule_agrees=False).order_by("-rule_disagreement")) == [strong, mild]
    assert Case.objects.get(pk=close.pk).rule_disagreement is None


def test_seed_cases_get_their_factors_from_the_posts(db):
    call_command("seed_cases", stdout=None)
    predictions = {case.slug: predict_case(case).verdict for case in Case.objects.all()}
    assert predictions == {
        # every day, under the employer's name: the rule says no, whatever the blogger thought
        "developer-outsources-his-own-job": "no",
        # campaigns and set-up now and then, rare know-how, but the company's own voice
        "social-media-know-how-in-house-or-agency": "yes",
        # once, no name on it, though the customer list goes to the call center
        "call-center-customer-satisfaction-survey": "yes",
        # every day, in the firm's name, with the customers' data
        "permanent-customer-care-to-call-center": "no",
        # the employer's name towards applicants, and their data with the agent
        "recruiting-handed-to-an-agency": "no",
        "corporation-splits-customer-care-across-contractors": "no",
        # every day, but nobody's name on it and special know-how: the blogger's "yes"
        "central-breakdown-dispatch-for-all-auto-clubs": "yes",
    }


def test_seeding_again_fills_factors_of_old_seed_cases_only_when_all_are_empty(db):
    call_command("seed_cases", stdout=None)
    Case.objects.filter(slug="developer-outsources-his-own-job").update(
        frequency="", name_on_service=None, customer_data_shared=None, rare_expertise=None
    )
    Case.objects.filter(slug="recruiting-handed-to-an-agency").update(frequency="once")
    call_command("seed_cases", stdout=None)
    assert Case.objects.get(slug="developer-outsources-his-own-job").frequency == "every_day"
    assert Case.objects.get(slug="recruiting-handed-to-an-agency").frequency == "once"


def test_case_page_shows_the_rule_beside_the_crowd(client, db, vote):
    judged = CaseFactory(frequency="every_day", name_on_service=True)
    for voter in UserFactory.create_batch(10):
        vote(voter, judged, "yes")
    page = client.get(judged.get_absolute_url()).text
    assert "By the rule of thumb: does not make sense." in page
    assert "The crowd says it made sense." in page
    assert "The rule and the crowd disagree." in page
    unjudged = CaseFactory()
    assert (
        "Not judged against the rule of thumb yet." in client.get(unjudged.get_absolute_url()).text
    )


@pytest.mark.parametrize("size", [2, 20])
def test_rule_page_counts_agreement_in_constant_queries(
    client, db, django_assert_num_queries, size
):
    for index in range(size):
        CaseFactory(
            title=f"Judged {index}",
            frequency="once",
            name_on_service=False,
            votes_yes=10 if index % 2 else 0,
            votes_no=0 if index % 2 else 10,
        )
    CaseFactory(title="A draft", draft=True, frequency="once", name_on_service=False, votes_no=5)
    for case in Case.objects.all():
        refresh_rule_figures(case=case)
    # judged, agreeing, the page's count and its rows: the same for 2 cases and for 20
    with django_assert_num_queries(4):
        page = client.get("/rule-of-thumb/").text
    assert f"They agree on {size // 2} of {size} judged cases." in page
    assert "Where they disagree most" in page and "Judged 0" in page
    assert "A draft" not in page


def test_votes_and_new_factors_keep_the_stored_agreement_current(db, curator, vote):
    case = CaseFactory(frequency="every_day", name_on_service=True)  # the rule says "no"
    for voter in UserFactory.create_batch(10):
        vote(voter, case, "yes")
    case.refresh_from_db()
    assert (case.rule_agrees, case.rule_disagreement) == (False, pytest.approx(1.0))

    record_factors(
        moderator=curator,
        case=case,
        frequency="once",
        name_on_service=False,
        customer_data_shared=None,
        rare_expertise=None,
    )
    case.refresh_from_db()
    assert (case.rule_agrees, case.rule_disagreement) == (True, pytest.approx(0.0))
    page = Client().get("/rule-of-thumb/").text
    assert "They agree on 1 of 1 judged case." in page
