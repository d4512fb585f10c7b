from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.models import User


@require_GET
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
    per_page = settings.PROFILE_ITEMS_PER_PAGE
    context = {
        "person": person,
        "votes_page": Paginator(votes, per_page).get_page(request.GET.get("votes")),
        "comments_page": Paginator(comments, per_page).get_page(request.GET.get("comments")),
    }
    return render(request, "accounts/profile.html", context)
