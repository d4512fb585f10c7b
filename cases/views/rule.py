from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.models import Case
from cases.rule_of_thumb import rule_vs_crowd


@require_GET
def rule_of_thumb(request: HttpRequest) -> HttpResponse:
    """How often the rule of thumb and the crowd agree, and where they disagree most."""
    cases = Case.objects.published().only(
        "title", "slug", "frequency", "name_on_service", "customer_data_shared",
        "rare_expertise", "votes_yes", "votes_no", "votes_depends",
    )  # fmt: skip
    return render(request, "cases/rule_of_thumb.html", {"summary": rule_vs_crowd(cases)})
