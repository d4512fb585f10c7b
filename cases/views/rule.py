from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from cases.models import Case
from cases.rule_of_thumb import agreement
from cases.tallies import MIN_VOTES_FOR_VERDICT


@require_safe
def rule_of_thumb(request: HttpRequest) -> HttpResponse:
    """How often the rule of thumb and the crowd agree, and where they disagree most: two
    counts and one page of disagreements, all from the stored figures (`rule_agrees`,
    `rule_disagreement`, kept by every vote and every change of the factors). A case whose
    crowd verdict is too close to call (cases.tallies.clear_verdict) has neither: it is
    undecided, in neither count and not among the disagreements."""
    judged = Case.objects.published().for_listing().filter(rule_agrees__isnull=False)
    # The strongest disagreement first, then the newest case: the order of case_rule_idx.
    disagreeing = judged.filter(rule_agrees=False).order_by("-rule_disagreement", "-id")
    page = Paginator(disagreeing.in_language(), settings.CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "judged": judged.count(),
        "agreeing": judged.filter(rule_agrees=True).count(),
        "page": page,
        "disagreements": [agreement(case) for case in page.object_list],
        "min_votes": MIN_VOTES_FOR_VERDICT,
    }
    return render(request, "cases/rule_of_thumb.html", context)
