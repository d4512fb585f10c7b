"""Reading: the list of cases and a case's page."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from cases import services
from cases.forms import CaseFilterForm, CommentForm
from cases.http import HtmxHttpRequest, take_draft
from cases.models import Case
from cases.querysets import sort_note
from cases.selectors.blind import hide_results, hide_unseen_results, marked_cases, unseen_cases
from cases.selectors.case_list import rows_html, viewer_votes, with_viewer_votes
from cases.selectors.case_page import case_page, case_page_html
from cases.translations import show_in_language


@require_safe
def case_list(request: HtmxHttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=400)

    # The rows are read as written; rows_html shows them in the reader's language when it
    # renders them (a cache miss), so the count and the sorted read stay plain.
    cases = Case.objects.published().for_listing().select_related("category")
    query = form.cleaned_data["q"]
    category = form.cleaned_data["category"]
    sort = form.cleaned_data["sort"]
    if query:
        cases = cases.search(query)
    if category:
        cases = cases.filter(category=category)
    note = sort_note(sort, cases)  # before sorting: what `divided` / `split` leave out
    cases = cases.sorted_by(sort)

    page = Paginator(cases, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    is_filtered = bool(query or category or sort != "new")
    featured = []
    if not is_filtered and page.number == 1:
        featured = list(
            Case.objects.published()
            .for_listing()
            .filter(featured_at__isnull=False)
            .select_related("category")
            .order_by("-featured_at")[: services.MAX_FEATURED]
        )
    rows = list(page.object_list)
    # The rows are cached alike for everyone; the viewer's own answers (one query, only when
    # signed in) are marked in them afterwards.
    votes = viewer_votes(request.user, [case.pk for case in [*rows, *featured]])
    featured_html = rows_html("featured", "cases/_featured_cases.html", featured)
    rows_shown = rows_html("list", "cases/_case_rows.html", rows, query)
    # Blind cases the viewer has not voted on nor asked to see show no shares.
    marked = marked_cases(featured_html) | marked_cases(rows_shown)
    unseen = unseen_cases(request, marked, votes=votes)
    featured_html, rows_shown = (
        hide_results(featured_html, unseen),
        hide_results(rows_shown, unseen),
    )
    context = {
        "featured": featured,
        "featured_html": with_viewer_votes(featured_html, votes),
        "rows_html": with_viewer_votes(rows_shown, votes),
        "form": form,
        "page": page,
        "categories": form.fields["category"].queryset,
        "is_filtered": is_filtered,
        "sort": sort,
        "sort_note": note,
        "active_category": category,
    }
    return render(request, "cases/case_list.html", context)


@require_safe
def case_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(
        Case.objects.visible_to(request.user).select_related("category"), slug=slug
    )
    if not request.user.is_authenticated:
        # The same page for every visitor: cached under the case's versions and the language,
        # with the title in that language (the case is translated only to render it).
        main_html, head_texts = case_page_html(request, case)
        context = {
            "case": case,
            "main_html": hide_unseen_results(request, main_html),  # related blind cases
            "head_texts": head_texts,
        }
        return render(request, "cases/case_detail.html", context)
    show_in_language([case])
    # A comment written before a login round trip comes back in the form.
    draft = take_draft(request, case.get_absolute_url())
    form = CommentForm(initial={"body": draft}) if draft else None
    context = case_page(request, case, comment_form=form)
    # The related cases in blind mode show their result only to those who may see it.
    context["main_html"] = hide_unseen_results(
        request, render_to_string("cases/_case_main.html", context, request=request)
    )
    return render(request, "cases/case_detail.html", context)
