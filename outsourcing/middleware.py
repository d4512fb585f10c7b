"""Requests that no view can use, refused before any view (or the database) sees them.

A NUL character is never valid in an address or a form field, and PostgreSQL refuses it in
any string ("A string literal cannot contain NUL (0x00) characters"): left alone, it reaches
a query and the answer is a 500. An address whose percent-decoded bytes are not UTF-8 means
nothing on this site either. Both get a 400 with the reason, in the site's look: the page
comes from the URLconf's handler400 (cases.views.errors.bad_request), as for any BadRequest.
"""

from __future__ import annotations

import logging
from urllib.parse import unquote_to_bytes

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.exceptions import BadRequest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import get_resolver, get_urlconf
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

logger = logging.getLogger(__name__)

NUL = "\x00"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulBytesMiddleware:
    """High in MIDDLEWARE (below the security headers, above whitenoise and the sessions), so
    that nothing below it, static files included, ever handles such a request."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.async_mode:
            return self.__acall__(request)
        reason = unusable_reason(request)
        if reason:
            return refuse(request, reason)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest):
        reason = unusable_reason(request)
        if reason:
            return await sync_to_async(refuse)(request, reason)
        return await self.get_response(request)


def unusable_reason(request: HttpRequest) -> str:
    """Why the request cannot be used, or "" when it can."""
    if NUL in request.path_info:
        return _("The address contains a NUL character, which is never valid.")
    # The handler has decoded the path once, putting bytes that were not UTF-8 back as "%XX"
    # (repercent_broken_unicode); decoding again finds them. A literal "%FF" (sent as "%25FF")
    # is refused as well: no address on this site has one.
    if not _is_utf8(unquote_to_bytes(request.path_info.encode("utf-8", "surrogatepass"))):
        return _("The address is not valid UTF-8 text.")
    query = unquote_to_bytes(_query_bytes(request).replace(b"+", b" "))
    if b"\x00" in query:
        return _("The query string contains a NUL character, which is never valid.")
    if not _is_utf8(query):
        return _("The query string is not valid UTF-8 text.")
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        return _form_reason(request)
    return ""


def _form_reason(request: HttpRequest) -> str:
    # Parsing errors (too many fields, a body too large, broken multipart) propagate: Django
    # answers them with 400 itself. The CSRF check reads request.POST anyway.
    if request.content_type == "application/x-www-form-urlencoded":
        body = unquote_to_bytes(request.body.replace(b"+", b" "))
        if b"\x00" in body:
            return _nul_in_form()
        if not _is_utf8(body):
            return _("The form data is not valid UTF-8 text.")
    for name, values in request.POST.lists():
        if NUL in name or any(NUL in value for value in values):
            return _nul_in_form()
    for name, files in request.FILES.lists():
        if NUL in name or any(NUL in (upload.name or "") for upload in files):
            return _nul_in_form()
    return ""


def _nul_in_form() -> str:
    return _("A form field contains a NUL character, which no form on this site accepts.")


def _query_bytes(request: HttpRequest) -> bytes:
    """The query string as sent: WSGI passes its bytes as one character each (PEP 3333)."""
    query = request.META.get("QUERY_STRING", "")
    if isinstance(request, WSGIRequest):
        try:
            return query.encode("iso-8859-1")
        except UnicodeEncodeError:
            pass  # not from a server: text already
    return query.encode("utf-8", "surrogatepass")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def refuse(request: HttpRequest, reason: str) -> HttpResponse:
    """The site's 400 page with the reason: the same view Django calls for BadRequest."""
    handler = get_resolver(get_urlconf()).resolve_error_handler(400)
    if not hasattr(request, "htmx"):
        request.htmx = HtmxDetails(request)  # htmx gets its fragment (HtmxMiddleware is below)
    try:
        return handler(request, BadRequest(reason))
    except Exception:
        # The page needs what the middleware below provide (a user, a session); should it
        # ever fail without them, the reason still goes out, as text.
        logger.exception("The 400 page failed to render for %r", request.path)
        return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
