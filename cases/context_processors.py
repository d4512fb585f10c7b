"""What every template may read: whether the viewer curates (the one rule, evaluated only when
a template asks), the site's length limits, so that forms and templates agree with the
models and services, and the page's addresses in each language (outsourcing/i18n.py), worked
out only when a template (base.html's <head> and footer) reads them; and the signed-in
person's count of unread notifications, read only when the header shows it."""

from django.conf import settings
from django.http import HttpRequest

from cases.selectors.notifications import lazy_unread_count
from cases.services.permissions import is_curator
from outsourcing.i18n import language_links


def site(request: HttpRequest) -> dict:
    return {
        "is_curator": lambda: is_curator(request.user),
        "limits": settings.TEXT_LIMITS,
        "language_links": language_links(request),
        "unread_notifications": lazy_unread_count(request),  # the header's count, one query
    }
