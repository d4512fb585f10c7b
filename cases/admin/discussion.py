"""Votes, comments, flags and the moderation log: read-only records with moderation actions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases import services
from cases.admin.base import ReadOnlyAdmin
from cases.forms import HideCommentForm
from cases.models import Comment, Flag, ModerationLog, Vote


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ["case", "user", "choice", "updated_at"]
    list_filter = ["choice"]
    list_select_related = ["case", "user"]
    search_fields = ["case__title", "user__username"]


class FlagInline(admin.TabularInline):
    """A comment's flags, read-only: curators decide in the flags list."""

    model = Flag
    fk_name = "comment"
    fields = ["reason", "note", "user", "created_at", "resolution", "resolved_by", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Flag]:
        return super().get_queryset(request).select_related("user", "resolved_by")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["short_body", "case", "author", "created_at", "is_visible"]
    list_filter = ["hidden_at"]
    list_select_related = ["case", "author"]
    search_fields = ["body", "author__username", "case__title"]
    fields = ["case", "author", "body", "created_at", "hidden_at", "hidden_by", "why_hidden"]
    readonly_fields = fields
    actions = ["hide", "restore"]
    inlines = [FlagInline]

    @admin.display(description=_("reason for hiding"))
    def why_hidden(self, comment: Comment) -> str:
        return comment.hidden_reason_text()

    @admin.display(description=_("comment"))
    def short_body(self, comment: Comment) -> str:
        return comment.body if len(comment.body) <= 80 else f"{comment.body[:79]}…"

    @admin.display(description=_("visible"), boolean=True)
    def is_visible(self, comment: Comment) -> bool:
        return not comment.is_hidden

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("cases.moderate_comment")

    @admin.action(
        description=_("Hide the selected comments (asks for a reason)"), permissions=["moderate"]
    )
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        form = HideCommentForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                # All or none: a failure halfway must not leave some comments hidden.
                with transaction.atomic():
                    for comment in queryset:
                        services.hide_comment(
                            moderator=request.user,
                            comment=comment,
                            reason=form.cleaned_data["reason"],
                        )
            except (PermissionDenied, ValidationError) as error:
                reason = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, reason, messages.ERROR)
                return None
            self.message_user(
                request,
                ngettext("%d comment hidden.", "%d comments hidden.", len(queryset))
                % len(queryset),
                messages.SUCCESS,
            )
            return None
        # First pass (or a missing reason): ask why, keeping the selection.
        context = {
            **self.admin_site.each_context(request),
            "title": _("Hide comments"),
            "form": form,
            "comments": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/cases/comment/hide_comments.html", context)

    @admin.action(description=_("Restore the selected comments"), permissions=["moderate"])
    def restore(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            services.restore_comment(moderator=request.user, comment=comment)
        self.message_user(
            request,
            ngettext("%d comment restored.", "%d comments restored.", len(queryset))
            % len(queryset),
            messages.SUCCESS,
        )


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "moderator_name",
        "by_community",
        "action",
        "case",
        "comment",
        "why",
    ]
    list_filter = ["action", "by_community"]
    list_select_related = ["case", "comment"]

    @admin.display(description=_("why"))
    def why(self, entry: ModerationLog) -> str:
        return entry.describe()


class FlagStateFilter(admin.SimpleListFilter):
    """Open flags unless asked otherwise: they are the curators' work queue."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("open", _("Open")), ("resolved", _("Resolved")), ("all", _("All"))]

    def value(self) -> str:
        return super().value() or "open"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Flag]) -> QuerySet[Flag]:
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = [
        "comment_excerpt",
        "comment_case",
        "reason",
        "note",
        "user",
        "created_at",
        "open_flags",
        "comment_state",
        "resolution",
    ]
    list_filter = [FlagStateFilter, "reason"]
    list_select_related = ["comment", "comment__case", "user"]
    search_fields = ["comment__body", "comment__case__title", "user__username", "note"]
    actions = ["keep_comments", "hide_comments"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Flag]:
        open_flags = (
            Flag.objects.filter(comment=OuterRef("comment"), resolved_at__isnull=True)
            .order_by()
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(open_flag_count=Coalesce(Subquery(open_flags), Value(0)))
        )

    @admin.display(description=_("comment"), ordering="comment__created_at")
    def comment_excerpt(self, flag: Flag) -> str:
        body = flag.comment.body
        excerpt = body if len(body) <= 80 else f"{body[:79]}…"
        url = reverse("admin:cases_comment_change", args=[flag.comment_id])
        return format_html('<a href="{}">{}</a>', url, excerpt)

    @admin.display(description=_("case"), ordering="comment__case__title")
    def comment_case(self, flag: Flag) -> str:
        return format_html(
            '<a href="{}">{}</a>', flag.comment.get_absolute_url(), flag.comment.case.title
        )

    @admin.display(description=_("open flags on the comment"), ordering="open_flag_count")
    def open_flags(self, flag: Flag) -> int:
        return flag.open_flag_count

    @admin.display(description=_("comment is"))
    def comment_state(self, flag: Flag) -> str:
        comment = flag.comment
        if comment.is_deleted:
            return _("deleted")
        if not comment.is_hidden:
            return _("visible")
        if comment.hidden_by_id is None:
            return _("hidden by flags")
        return _("hidden by a curator")

    def has_moderate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("cases.moderate_comment")

    @admin.action(
        description=_("Keep the comments of the selected flags"), permissions=["moderate"]
    )
    def keep_comments(self, request: HttpRequest, queryset: QuerySet[Flag]) -> None:
        self._resolve(request, queryset, keep=True)

    @admin.action(
        description=_("Hide the comments of the selected flags"), permissions=["moderate"]
    )
    def hide_comments(self, request: HttpRequest, queryset: QuerySet[Flag]) -> None:
        self._resolve(request, queryset, keep=False)

    def _resolve(self, request: HttpRequest, queryset: QuerySet[Flag], *, keep: bool) -> None:
        """Each affected comment once: all its open flags are resolved together."""
        comments = Comment.objects.filter(
            pk__in=queryset.values("comment_id"), flags__resolved_at__isnull=True
        ).distinct()
        resolved = 0
        decided = 0
        try:
            # All or none: a failure halfway must not leave some comments decided.
            with transaction.atomic():
                for comment in comments:
                    count = services.resolve_flags(
                        moderator=request.user, comment=comment, keep=keep
                    )
                    resolved += count
                    decided += bool(count)
        except (PermissionDenied, ValidationError) as error:
            reason = " ".join(getattr(error, "messages", [str(error)]))
            self.message_user(request, reason, messages.ERROR)
            return
        if keep:
            text = ngettext("%(count)d comment kept.", "%(count)d comments kept.", decided)
        else:
            text = ngettext("%(count)d comment hidden.", "%(count)d comments hidden.", decided)
        # Two sentences, each with its own plural: "1 comment kept. 2 flags resolved."
        flags = ngettext("%(count)d flag resolved.", "%(count)d flags resolved.", resolved)
        message = f"{text % {'count': decided}} {flags % {'count': resolved}}"
        self.message_user(request, message, messages.SUCCESS)
