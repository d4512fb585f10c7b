from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin


class CheckedSelectionMixin:
    """Admin actions on a selection of real ids only.

    The admin filters `pk__in=` the posted `_selected_action` values as they come, so "" or
    "abc" (or, on SQLite, an id beyond 64 bits) is a 500. Here such a selection is refused the
    way the admin refuses an empty one: a warning, and back to the list.
    """

    def response_action(self, request: HttpRequest, queryset):
        pk = self.model._meta.pk
        if not all(is_valid_id(pk, value) for value in request.POST.getlist(ACTION_CHECKBOX_NAME)):
            self.message_user(
                request,
                _("Some selected items are not in this list. No items have been changed."),
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)


class SiteAdmin(CheckedSelectionMixin, admin.ModelAdmin):
    """The ModelAdmin of the site's models."""


class ReadOnlyAdmin(SiteAdmin):
    """Records the site writes itself: curators look, they do not edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class HistoryAdmin(CheckedSelectionMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages answer 404 to an id that is no id
    (`/admin/cases/case/abc/history/`): its views put the id in a query as it comes, and the
    database's complaint would be a 500. The admin's own views already check theirs."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context=None
    ) -> HttpResponse:
        if not is_valid_id(self.model._meta.pk, unquote(object_id)):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        history_pk = self.model.history.model._meta.pk
        if not is_valid_id(self.model._meta.pk, object_id):
            raise Http404
        if not is_valid_id(history_pk, version_id):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


def is_valid_id(field: models.Field, value: str) -> bool:
    """Whether `value` can be looked up in the primary key `field` (it may still not exist)."""
    try:
        prepared = field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        return False
    if isinstance(prepared, int):
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        return (low is None or prepared >= low) and (high is None or prepared <= high)
    return True
