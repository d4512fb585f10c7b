"""/data/: the open-data downloads and their licences, and each stored file served as it is.

Nothing here builds a file (the worker does, cases/open_data.py): the page reads the files'
sizes and dates, a download streams the stored file, or answers 404 before the first build.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cases.http import refuse
from cases.open_data import EXPORTS_BY_NAME, export_path
from cases.selectors.open_data import open_data_page


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/open_data.html", open_data_page())


@require_safe
def open_data_download(request: HttpRequest, name: str) -> HttpResponse:
    """The stored file of the export `name` (set by the URLconf), as an attachment named with
    the day it was built. An open file keeps its content if a new build replaces it meanwhile."""
    export = EXPORTS_BY_NAME[name]
    try:
        file = open(export_path(export), "rb")  # noqa: SIM115 (FileResponse closes it)
    except FileNotFoundError:
        reason = _(
            "This file is not built yet: the background worker builds the open data every "
            "night. Try again tomorrow."
        )
        return refuse(request, reason, status=404, back_url=reverse("cases:open_data"))
    modified = datetime.fromtimestamp(int(os.fstat(file.fileno()).st_mtime), tz=UTC)
    suffix = export.filename.rpartition(".")[2]
    response = FileResponse(
        file,
        as_attachment=True,
        filename=f"outsourcing-verdicts-{export.name}-{modified.date().isoformat()}.{suffix}",
        content_type=export.content_type,
    )
    response["Last-Modified"] = http_date(modified.timestamp())
    return response
