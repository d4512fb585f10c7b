"""A database blip (a restart, a failover) answers 503 "try again", never a bare 500.

The page does not touch the database (no user, no session lookups): it is rendered from the
request alone, with the person's text, so that nothing typed is lost. Whatever was being
written was rolled back with its transaction, and the forms that create things carry an
idempotency token, so sending again cannot make a second copy.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from cases.http import resend_fields

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable: %s", exception)
        context = {
            "resend": resend_fields(request) if request.method == "POST" else None,
            "path": request.path,
            "retry_after": RETRY_AFTER_SECONDS,
            "csrf_token": get_token(request),  # from the cookie: no database needed
        }
        html = render_to_string("503.html", context, request=None)
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
