from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import LANGUAGE_QUERY_PARAMETER
from django.views.i18n import set_language as django_set_language
from django_htmx.http import HttpResponseClientRedirect

from accounts.forms import PerspectiveForm
from accounts.languages import site_language
from accounts.models import User
from cases.decorators import login_required
from cases.http import form_errors, refuse
from cases.selectors.groups import reader_group
from cases.selectors.notifications import digest_settings
from cases.services.perspectives import set_perspective
from cases.translations import show_case_titles
from outsourcing.limits import check_rate, rate_limited


@require_safe
def profile(request: HttpRequest, username: str) -> HttpResponse:
    """A person's votes and comments on published cases, newest first."""
    person = get_object_or_404(User, username=username, is_active=True)
    votes = person.votes.on_published_cases().select_related("case").order_by("-updated_at", "-id")
    comments = (
        person.comments.visible()
        .on_published_cases()
        .select_related("case")
        .order_by("-created_at", "-id")
    )
    # Counted over the comments the profile shows (visible, on published cases): one query.
    minds_changed = comments.order_by().aggregate(n=Coalesce(Sum("minds_changed"), 0))["n"]
    per_page = settings.PROFILE_ITEMS_PER_PAGE
    is_own = request.user.is_authenticated and request.user.pk == person.pk
    context = {
        "person": person,
        "is_own_profile": is_own,
        # Only the proposer sees their proposals and the curators' notes (one query).
        "proposals": person.proposals.order_by("-created_at", "-id") if is_own else None,
        # Which opinion group one is closest to: only ever on one's own profile (one query).
        "opinion_group": reader_group(person) if is_own else None,
        "minds_changed": minds_changed,
        "votes_page": Paginator(votes, per_page).get_page(request.GET.get("votes")),
        "comments_page": Paginator(comments, per_page).get_page(request.GET.get("comments")),
    }
    # The cases' titles in the reader's language: one query for both pages.
    show_case_titles(
        [item.case for key in ("votes_page", "comments_page") for item in context[key]]
    )
    return render(request, "accounts/profile.html", context)


SETTINGS_TEMPLATE = "accounts/settings.html"


def _settings_url() -> str:
    return reverse("account_settings")


@require_safe
@login_required
def account_settings(request: HttpRequest) -> HttpResponse:
    """One's own account: email addresses and password (allauth's pages, linked from here),
    the perspective, the language and the email digests. Only ever the signed-in person's own."""
    person = request.user
    context = {
        "person": person,
        "perspective_form": PerspectiveForm(instance=person),
        # The account's addresses, primary first (one query; allauth's page manages them).
        "email_addresses": EmailAddress.objects.filter(user=person).order_by("-primary", "email"),
        "digest_settings": digest_settings(person),  # a form per kind of notification (one query)
    }
    return render(request, SETTINGS_TEMPLATE, context)


@require_POST
@login_required(back=lambda request: _settings_url())
@rate_limited("perspective")
def perspective_update(request: HttpRequest) -> HttpResponse:
    """The logged-in person sets or clears their own perspective (never anyone else's)."""
    person = request.user
    form = PerspectiveForm(request.POST, instance=person)
    if not form.is_valid():
        if request.htmx:
            context = {"person": person, "perspective_form": form}
            return render(request, f"{SETTINGS_TEMPLATE}#perspective-form", context, status=400)
        return refuse(request, form_errors(form), status=400, back_url=_settings_url())

    set_perspective(user=person, perspective=form.cleaned_data["perspective"])
    if person.perspective:
        message = _("Your perspective is now “%(label)s”.") % {
            "label": person.get_perspective_display()
        }
    else:
        message = _("You no longer show a perspective.")

    if request.htmx:
        context = {
            "person": person,
            "perspective_form": PerspectiveForm(instance=person),
            "perspective_message": message,
        }
        return render(request, f"{SETTINGS_TEMPLATE}#perspective-form", context)
    messages.success(request, message)
    return redirect(f"{_settings_url()}#perspective")


# The language switch in the header (and in one's account settings): for a visitor it only sets a
# cookie, so it needs no login and no CSRF token, and every visitor's page stays the same (and
# cacheable). A forged POST could at worst switch someone's language.
@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the cookie, then back to `next`: the same page, query string and
    all); a signed-in person's choice is stored on their account too (accounts/languages.py),
    a change at a time, within the "language" rate limit."""
    language = site_language(request.POST.get(LANGUAGE_QUERY_PARAMETER))
    user = request.user
    stores = request.method == "POST" and language and user.is_authenticated
    stores = stores and user.language != language
    if stores:
        check_rate(request, "language")  # over the limit: 429, and nothing changes
    response = django_set_language(request)
    if stores:
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language
    if request.htmx and isinstance(response, HttpResponseRedirect):
        # The whole page changes language: htmx loads it anew instead of swapping in a part.
        client_redirect = HttpResponseClientRedirect(response["Location"])
        client_redirect.cookies = response.cookies
        response = client_redirect
    return response


set_language.rate_limit_group = "language"  # found by tests/test_guards.py's walk
