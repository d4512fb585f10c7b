"""Cases, their sources and categories; proposals are decided in /curate/."""

import csv

from django import forms
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
from cases.markdown import render_markdown
from cases.models import Case, CaseTranslation, Category, CategoryTranslation, Source


class TranslationForm(forms.ModelForm):
    """A translation inline's row: never in the language the text is written in."""

    parent_field = "case"

    def clean_language(self) -> str:
        language = self.cleaned_data["language"]
        parent = getattr(self.instance, self.parent_field, None) if self.instance.pk else None
        parent = parent or getattr(self, "parent_object", None)
        if parent is not None and language == parent.language:
            raise ValidationError(
                _("This is the language it is written in: edit the text above instead.")
            )
        return language


class CategoryTranslationInline(admin.StackedInline):
    model = CategoryTranslation
    extra = 0
    fields = ["language", "name", "description"]
    form = type("CategoryTranslationForm", (TranslationForm,), {"parent_field": "category"})

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.parent_object = obj
        return formset


@admin.register(Category)
class CategoryAdmin(SiteAdmin):
    list_display = ["name", "language", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "translations__name"]
    inlines = [CategoryTranslationInline]

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Its cases' cached rows show the category's name: render them afresh.
        Case.objects.filter(category=form.instance).update(updated_at=timezone.now())


class CaseTranslationInline(admin.StackedInline):
    """The case's text in another language; its story is rendered when saved."""

    model = CaseTranslation
    extra = 0
    form = TranslationForm
    fields = [
        "language",
        "title",
        "decision",
        "summary",
        "story",
        ("decided_by", "outsourced_what"),
        ("provider", "where"),
        "outcome",
        "search_terms",
    ]

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.parent_object = obj
        return formset


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
        "language",
        "category",
        "status",
        "published_at",
        "votes_yes",
        "votes_no",
        "votes_depends",
    ]
    list_filter = ["status", "language", "category"]
    search_fields = ["title", "decision", "summary", "translations__title"]
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
    inlines = [CaseTranslationInline, SourceInline]
    actions = ["publish", "archive", "export_verdicts_csv"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "language",
                    "title",
                    "slug",
                    "status",
                    "category",
                    "decision",
                    "summary",
                    "story",
                ]
            },
        ),
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

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        if formset.model is CaseTranslation:
            # Rendered here as the case's own story is in save_model (render_case_text).
            for translation in formset.save(commit=False):
                translation.story_html = render_markdown(translation.story)
                translation.save()
            for translation in formset.deleted_objects:
                translation.delete()
            formset.save_m2m()
            Case.objects.filter(pk=form.instance.pk).update(updated_at=timezone.now())
            return
        super().save_formset(request, form, formset, change)

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
