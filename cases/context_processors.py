"""What every template may read: whether the viewer curates (the one rule, evaluated only when
a template asks) and the site's length limits, so that forms and templates agree with the
models and services."""

from django.conf import settings
from django.http import HttpRequest

from cases.services.permissions import is_curator


def site(request: HttpRequest) -> dict:
    return {
        "is_curator": lambda: is_curator(request.user),
        "limits": settings.TEXT_LIMITS,
    }
