import html
import re

from django import template
from django.utils.formats import number_format
from django.utils.html import strip_tags
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import services
from cases.markdown import render_markdown
from cases.models import VOTE_BADGES, Case, Comment, Vote
from cases.tallies import Verdict, verdict_of

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def verdict(case: Case) -> Verdict:
    """The case's shares (iterate it) and whether its verdict is clear or too close to call."""
    return verdict_of(case)


# Where one block of the stored HTML ends: a space there keeps "One.</p><p>Two." two words.
BLOCK_END = re.compile(r"(<br\s*/?>|</(?:p|li|h[1-6]|blockquote|pre|td|th|tr|div)\s*>)", re.I)
ELLIPSIS = "…"


def plain_excerpt(body_html: str, length: int = 160) -> str:
    """A comment's stored HTML (`Comment.body_html`) as plain text of at most `length`
    characters, cut at a word boundary with an ellipsis: tags stripped, entities decoded,
    whitespace collapsed. Plain text, so the template escapes it on output."""
    text = html.unescape(strip_tags(BLOCK_END.sub(r"\1 ", body_html or "")))
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    if length <= 1:
        return ELLIPSIS[:length]
    cut = text[: length - 1]  # room for the ellipsis
    if text[length - 1] != " " and " " in cut:  # the cut falls inside a word: drop it
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


@register.filter
def excerpt(body_html: str, length: int = 160) -> str:
    """`{{ comment.body_html|excerpt:160 }}`: see plain_excerpt. Not marked safe."""
    return plain_excerpt(body_html, int(length))


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


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def editable_by(comment: Comment, user) -> bool:
    return services.can_edit_comment(user, comment)


@register.filter
def deletable_by(comment: Comment, user) -> bool:
    return services.can_delete_comment(user, comment)


@register.filter
def own_edit_window(comment: Comment, user) -> bool:
    return services.within_own_edit_window(user, comment)


@register.filter
def points(comment: Comment) -> str:
    """“3 points”, with the convincing / not convincing split for screen readers' title."""
    count = number_format(comment.score, force_grouping=True)
    return ngettext("%(count)s point", "%(count)s points", comment.score) % {"count": count}


@register.filter
def minds_changed(count: int) -> str:
    shown = number_format(count, force_grouping=True)
    return ngettext("changed %(count)s mind", "changed %(count)s minds", count) % {"count": shown}


@register.filter
def hidden_own_note(comment: Comment) -> str:
    """The author's note beside their hidden comment, the reason in the reader's language."""
    return _("Only you can see this comment: it is hidden. %(reason)s") % {
        "reason": comment.hidden_reason_text()
    }
