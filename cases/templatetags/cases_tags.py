from django import template
from django.utils.safestring import SafeString

from cases.markdown import render_markdown
from cases.models import VOTE_BADGES, Case, Vote
from cases.tallies import VerdictShare, verdict_of

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def verdict(case: Case) -> list[VerdictShare]:
    return verdict_of(case)


@register.filter
def vote_badge(choice: str | None) -> str:
    return str(VOTE_BADGES.get(choice, "")) if choice else ""


@register.simple_tag
def vote_choices() -> list[tuple[str, str]]:
    return list(Vote.Choice.choices)


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, param: str, number: int, fragment: str = "") -> str:
    """The current URL's query string with one page parameter replaced."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}{'#' + fragment if fragment else ''}"
