from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the site writes itself: curators look, they do not edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages answer 404 to an id that is no id
    (`/admin/cases/case/abc/history/`): its views put the id in a query as it comes, and the
    database's complaint would be a 500. The admin's own views already check theirs."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context=None
    ) -> HttpResponse:
        _valid_or_404(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        _valid_or_404(self.model._meta.pk, object_id)
        _valid_or_404(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _valid_or_404(field: models.Field, value: str) -> None:
    try:
        field.get_prep_value(field.to_python(value))
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None
