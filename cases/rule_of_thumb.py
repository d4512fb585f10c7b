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
    """The answer with the most votes; None without votes or when the top two tie."""
    counts = sorted(
        [("yes", case.votes_yes), ("no", case.votes_no), ("depends", case.votes_depends)],
        key=lambda item: -item[1],
    )
    if counts[0][1] == 0 or counts[0][1] == counts[1][1]:
        return None
    return counts[0][0]


@dataclass(frozen=True)
class Agreement:
    case: Case
    prediction: Prediction
    crowd: str | None

    @property
    def agrees(self) -> bool | None:
        """None when either side has no verdict."""
        if self.prediction.verdict is None or self.crowd is None:
            return None
        return self.prediction.verdict == self.crowd

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
