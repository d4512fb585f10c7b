"""Cases, their sources and categories; proposals are decided in /curate/."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import services
from cases.admin.base import HistoryAdmin, SiteAdmin
from cases.models import Case, Category, Source


@admin.register(Category)
class CategoryAdmin(SiteAdmin):
    list_display = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class SourceInline(admin.StackedInline):
    model = Source
    extra = 1
    # Django 6 will assume https for scheme-less links; say so now (no deprecation warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = [("title", "language"), ("outlet", "author"), ("published", "url"), "position"]


@admin.register(Case)
class CaseAdmin(HistoryAdmin):
    """Cases with their sources; "History" shows who changed what and when."""

    list_display = [
        "title",
        "category",
        "status",
        "published_at",
        "votes_yes",
        "votes_no",
        "votes_depends",
    ]
    list_filter = ["status", "category"]
    search_fields = ["title", "decision", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = [
        "published_at",
        "proposer",
        "submitted_at",
        "featured_at",
        "closed_at",
        "votes_yes",
        "votes_no",
        "votes_depends",
        "created_at",
        "updated_at",
    ]
    inlines = [SourceInline]
    actions = ["publish", "archive", "export_verdicts_csv"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "category", "decision", "summary", "story"]}),
        (
            _("Facts"),
            {
                "fields": [
                    "decided_by",
                    "outsourced_what",
                    "provider",
                    "where",
                    "year",
                    "outcome",
                    "search_terms",
                ]
            },
        ),
        (
            _("Rule of thumb"),
            {
                "fields": [
                    "frequency",
                    "name_on_service",
                    "customer_data_shared",
                    "rare_expertise",
                ]
            },
        ),
        (
            _("Proposal and curation"),
            {
                "fields": [
                    "proposer",
                    "submitted_at",
                    "review_note",
                    "featured_at",
                    "closed_at",
                    "closed_reason",
                ]
            },
        ),
        (
            _("Record"),
            {
                "fields": [
                    "published_at",
                    ("votes_yes", "votes_no", "votes_depends"),
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def save_model(self, request: HttpRequest, obj: Case, form, change: bool) -> None:
        # The status goes through the service, which dates the first publication and logs it.
        new_status = obj.status
        if change:
            obj.status = Case.objects.values_list("status", flat=True).get(pk=obj.pk)
        else:
            obj.status = Case.Status.DRAFT
        services.render_case_text(obj)
        if change:
            obj.save(update_fields=services.editable_fields(obj))
            services.refresh_rule_figures(case=obj)  # the factors may have changed
        else:
            obj.save()
        if new_status != obj.status:
            try:
                services.change_case_status(moderator=request.user, case=obj, status=new_status)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description=_("Publish the selected cases"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        self._set_status(request, queryset, Case.Status.PUBLISHED)

    @admin.action(description=_("Archive the selected cases"), permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet[Case]) -> None:
        self._set_status(request, queryset, Case.Status.ARCHIVED)

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Case], status: str) -> None:
        """Through the service, case by case: a pending proposal is published as a proposal
        (the proposer's email, a `publish` log row); other proposals are left to the queue."""
        moved = 0
        for case in queryset:
            try:
                services.change_case_status(moderator=request.user, case=case, status=status)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
            else:
                moved += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d case is now %(status)s.",
                "%(count)d cases are now %(status)s.",
                moved,
            )
            % {"count": moved, "status": Case.Status(status).label},
            messages.SUCCESS if moved else messages.WARNING,
        )

    @admin.action(description=_("Export verdicts as CSV"), permissions=["view"])
    def export_verdicts_csv(self, request: HttpRequest, queryset: QuerySet[Case]) -> HttpResponse:
        """For people who study the results: one row per case, read in one query."""
        today = timezone.localdate().isoformat()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="verdicts-{today}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "slug",
                "title",
                "status",
                "published",
                "made_sense",
                "did_not_make_sense",
                "depends",
                "total",
                "visible_comments",
            ]
        )
        for case in queryset.select_related(None):
            writer.writerow(
                [
                    case.slug,
                    # A title starting with = + - @ would be a formula in a spreadsheet.
                    f"'{case.title}" if case.title[:1] in ("=", "+", "-", "@") else case.title,
                    case.status,
                    timezone.localdate(case.published_at).isoformat() if case.published_at else "",
                    case.votes_yes,
                    case.votes_no,
                    case.votes_depends,
                    case.vote_total,
                    case.comment_count,
                ]
            )
        return response
