"""The rule of thumb from the seed posts, and how often the crowd agrees with it.

Outsourcing tends to make sense where a specialist is needed once or now and then, where
rare know-how is needed, and where the company's own name is not on the service; it tends
to go wrong where the work is needed every day (nobody takes a taxi to work for forty
years), where the company's name is on it (its own relationship with its customers), and
where customers' data passes to a second firm.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.tallies import clear_verdict

MIN_KNOWN_FACTORS = 2


@dataclass(frozen=True)
class Prediction:
    verdict: str | None  # "yes", "no", "depends", or None when too little is known
    reasons_for: tuple[Promise, ...]
    reasons_against: tuple[Promise, ...]


def predict(
    *,
    frequency: str,
    name_on_service: bool | None,
    customer_data_shared: bool | None,
    rare_expertise: bool | None,
) -> Prediction:
    """What the rule says, from the four factors a curator recorded ("" / None: not known).

    One point for "makes sense" each: needed once or now and then; the company's name is
    not on the service; rare specialist know-how. One point against each: needed every
    day; the company's name is on the service; customer data passes to the provider.
    (Data that stays home and ordinary know-how score nothing: the rule names only their
    opposites.) More points for → "yes", more against → "no", a tie → "depends"; with fewer
    than two factors known the rule says nothing (None).
    """
    known = [frequency or None, name_on_service, customer_data_shared, rare_expertise]
    if sum(value is not None for value in known) < MIN_KNOWN_FACTORS:
        return Prediction(None, (), ())
    reasons_for, reasons_against = [], []
    if frequency == Case.Frequency.ONCE:
        reasons_for.append(_("needed once: like renting a truck to move house"))
    elif frequency == Case.Frequency.NOW_AND_THEN:
        reasons_for.append(_("needed now and then, not every day"))
    elif frequency == Case.Frequency.EVERY_DAY:
        reasons_against.append(_("needed every day: nobody takes a taxi to work for 40 years"))
    if name_on_service is False:
        reasons_for.append(_("the company's own name is not on the service"))
    elif name_on_service is True:
        reasons_against.append(_("the company's own name is on the service"))
    if customer_data_shared is True:
        reasons_against.append(_("customers' data passes to a second firm"))
    if rare_expertise is True:
        reasons_for.append(_("rare specialist know-how is needed"))
    if len(reasons_for) > len(reasons_against):
        verdict = "yes"
    elif len(reasons_against) > len(reasons_for):
        verdict = "no"
    else:
        verdict = "depends"
    return Prediction(verdict, tuple(reasons_for), tuple(reasons_against))


def predict_case(case: Case) -> Prediction:
    return predict(
        frequency=case.frequency,
        name_on_service=case.name_on_service,
        customer_data_shared=case.customer_data_shared,
        rare_expertise=case.rare_expertise,
    )


def crowd_verdict(case: Case) -> str | None:
    """The crowd's clear verdict; None without votes or when it is too close to call
    (cases.tallies.clear_verdict: fewer than 10 votes, or a lead within the margin of error).
    A case without a clear verdict is undecided: it neither agrees nor disagrees with the
    rule."""
    return clear_verdict(case.votes_yes, case.votes_no, case.votes_depends)


@dataclass(frozen=True)
class Agreement:
    case: Case
    prediction: Prediction
    crowd: str | None

    @property
    def agrees(self) -> bool | None:
        """None when either side has no verdict (the crowd's may be too close to call)."""
        if self.prediction.verdict is None or self.crowd is None:
            return None
        return self.prediction.verdict == self.crowd

    @property
    def too_close(self) -> bool:
        """The rule judges and people voted, but the crowd's verdict is too close to call."""
        return (
            self.prediction.verdict is not None
            and bool(self.case.vote_total)
            and (self.crowd is None)
        )

    @property
    def hindsight(self) -> HindsightAgreement | None:
        """The rule beside the verdict knowing what happened (None before anyone answered)."""
        return hindsight_agreement(self.case, self.prediction)

    @property
    def disagreement(self) -> float:
        """How firmly the crowd rejects the rule's answer: 1 − its share of the votes."""
        total = self.case.vote_total
        if not total or self.prediction.verdict is None:
            return 0.0
        predicted = getattr(self.case, f"votes_{self.prediction.verdict}")
        return 1 - predicted / total


def agreement(case: Case) -> Agreement:
    return Agreement(case, predict_case(case), crowd_verdict(case))


@dataclass(frozen=True)
class HindsightAgreement:
    """The rule beside the hindsight verdict: the answers to "knowing what happened, did it
    make sense?" (Case.hindsight_*), decided as the crowd's first verdict is
    (cases.tallies.clear_verdict)."""

    prediction: Prediction
    crowd: str | None  # the hindsight verdict; None when too close to call
    total: int

    @property
    def agrees(self) -> bool | None:
        if self.prediction.verdict is None or self.crowd is None:
            return None
        return self.prediction.verdict == self.crowd

    @property
    def too_close(self) -> bool:
        return self.prediction.verdict is not None and bool(self.total) and self.crowd is None


def hindsight_agreement(
    case: Case, prediction: Prediction | None = None
) -> HindsightAgreement | None:
    """From the case's stored hindsight tallies: no query. None while nobody has answered."""
    total = case.hindsight_total
    if not total:
        return None
    crowd = clear_verdict(case.hindsight_yes, case.hindsight_no, case.hindsight_depends)
    return HindsightAgreement(prediction or predict_case(case), crowd, total)
