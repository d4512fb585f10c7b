"""Notifications: the page, marking them read, the digests' frequencies on /account/, and
the unsubscribe link of the digest emails, which works without logging in."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.forms import DigestForm
from accounts.models import DigestPreference, Notification, User
from cases.decorators import login_required
from cases.http import HtmxHttpRequest, form_errors, refuse
from cases.selectors.notifications import (
    digest_setting,
    notifications_page,
    with_texts,
)
from cases.services.digests import read_unsubscribe_token
from cases.services.notifications import (
    ALL_KINDS,
    mark_all_notifications_read,
    mark_notification_read,
    set_digest_frequency,
    unsubscribe_from_digests,
)
from outsourcing.limits import rate_limited

PAGE = "accounts/notifications.html"
DIGESTS = "accounts/_digest_settings.html"
UNSUBSCRIBE = "accounts/digest_unsubscribe.html"


def _list_url(request: HtmxHttpRequest) -> str:
    """The page of notifications the form was on (its `page` field), else the first."""
    page = request.POST.get("page", "")
    url = reverse("notifications")
    return f"{url}?{urlencode({'page': page})}" if page.isascii() and page.isdigit() else url


@require_safe
@login_required
def notifications(request: HtmxHttpRequest) -> HttpResponse:
    """One's own notifications, newest first, each a sentence in the reader's language."""
    page = notifications_page(request.user, request.GET.get("page"))
    return render(request, PAGE, {"page": page})


@require_POST
@login_required(back=lambda request, **kwargs: reverse("notifications"))
@rate_limited("notifications")
def notification_read(request: HtmxHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read: only one's own (403 for anyone else's)."""
    notification = get_object_or_404(
        Notification.objects.select_related("case", "comment__author"), pk=notification_id
    )
    mark_notification_read(user=request.user, notification=notification)
    if request.htmx:
        notification.user = request.user
        context = {"notification": with_texts([notification])[0], "item_oob": True}
        return render(request, f"{PAGE}#notification", context)
    messages.success(request, _("Marked as read."))
    return redirect(_list_url(request))


@require_POST
@login_required(back=lambda request, **kwargs: reverse("notifications"))
@rate_limited("notifications")
def notifications_read_all(request: HtmxHttpRequest) -> HttpResponse:
    count = mark_all_notifications_read(user=request.user)
    if count:
        message = ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        ) % {"count": count}
    else:
        message = _("You had no unread notifications.")
    if request.htmx:
        page = notifications_page(request.user, request.POST.get("page"))
        context = {"page": page, "list_message": message, "count_oob": True}
        return render(request, f"{PAGE}#notification-list", context)
    messages.success(request, message)
    return redirect(_list_url(request))


def _settings_url() -> str:
    return f"{reverse('account_settings')}#digests"


@require_POST
@login_required(back=lambda request, **kwargs: _settings_url())
@rate_limited("notifications")
def digest_update(request: HtmxHttpRequest) -> HttpResponse:
    """How often one kind of notification comes by email: never, daily or weekly."""
    form = DigestForm(request.POST)
    if not form.is_valid():
        kind = request.POST.get("kind", "")
        if request.htmx and kind in Notification.Kind.values:
            context = {
                "setting": digest_setting(request.user, kind),
                "digest_error": form_errors(form),
            }
            return render(request, f"{DIGESTS}#digest-form", context, status=400)
        return refuse(request, form_errors(form), status=400, back_url=_settings_url())
    kind, frequency = form.cleaned_data["kind"], form.cleaned_data["frequency"]
    set_digest_frequency(user=request.user, kind=kind, frequency=frequency)
    label = Notification.Kind(kind).label
    if frequency == DigestPreference.Frequency.NEVER:
        message = _("No more emails about “%(kind)s”.") % {"kind": label}
    else:
        message = _("Email digest of “%(kind)s”: %(frequency)s.") % {
            "kind": label,
            "frequency": DigestPreference.Frequency(frequency).label.lower(),
        }
    if request.htmx:
        context = {"setting": digest_setting(request.user, kind), "digest_message": message}
        return render(request, f"{DIGESTS}#digest-form", context)
    messages.success(request, message)
    return redirect(_settings_url())


# The digest emails' unsubscribe link: the signed token (the account and the kind) is the
# permission, so it needs no login; and no CSRF token either, because mail programs POST to it
# for one click (RFC 8058, the `List-Unsubscribe-Post` header). A GET only asks: link checkers
# and previews open links, and must not unsubscribe anyone.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limited("notifications")
def digest_unsubscribe(request: HtmxHttpRequest) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token", "")
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, _("This unsubscribe link has expired."))
    except signing.BadSignature:
        return _bad_link(request, _("This unsubscribe link is not valid."))
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        return _bad_link(request, _("This unsubscribe link is not valid."))
    context = {"token": token, "texts": _unsubscribe_texts(kind)}
    if request.method == "GET":
        context["subscribed"] = _is_subscribed(person, kind)
        return render(request, UNSUBSCRIBE, context)
    try:
        unsubscribe_from_digests(user=person, kind=kind)
    except ValidationError as error:  # a kind the token names but the site no longer has
        return _bad_link(request, " ".join(error.messages))
    message = context["texts"]["done"]
    if request.htmx:
        context.update(subscribed=False, unsubscribe_message=message)
        return render(request, f"{UNSUBSCRIBE}#unsubscribe-box", context)
    messages.success(request, message)
    return redirect(f"{reverse('digest_unsubscribe')}?{urlencode({'token': token})}")


def _unsubscribe_texts(kind: str) -> dict[str, str]:
    """The page's sentences: asking, done, and nothing to stop."""
    if kind == ALL_KINDS:
        return {
            "ask": _("Stop every email digest?"),
            "done": _("Done: you get no more email digests."),
            "none": _("You get no email digests."),
        }
    label = {"kind": Notification.Kind(kind).label}
    return {
        "ask": _("Stop the email digest of “%(kind)s”?") % label,
        "done": _("Done: no more email digest of “%(kind)s”.") % label,
        "none": _("You get no email digest of “%(kind)s”.") % label,
    }


def _is_subscribed(person: User, kind: str) -> bool:
    chosen = person.digest_preferences.exclude(frequency=DigestPreference.Frequency.NEVER)
    return (chosen if kind == ALL_KINDS else chosen.filter(kind=kind)).exists()


def _bad_link(request: HtmxHttpRequest, reason: str) -> HttpResponse:
    """400 with why, and where the digests are chosen instead (after logging in)."""
    advice = _("Log in and choose your email digests in your account settings.")
    return refuse(
        request, f"{reason} {advice}", status=400, back_url=_settings_url(), can_send_again=False
    )
