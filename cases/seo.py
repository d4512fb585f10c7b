"""What a page tells search engines and shared links about itself (templates/_head_meta.html):
a description, Open Graph and Twitter card tags, and whether to index it.

- A case page: its title and summary in the reader's language; for shared links its decision
  and the verdict so far ("62 % made sense · 120 votes", from cases.tallies.verdict_of, and
  "too close to call" where the page says so).
- The list, the rule of thumb, the moderation log, a profile: their own title and description.
- Every other page: the site's name and a site description.
- Error pages (404.html, refused.html): a description and `noindex`, nothing to share.

Everything is absolute (the page's canonical address from outsourcing/i18n.py, the image
through the request). The anonymous case page's content comes from a cache and its `case` was
read as written: the cache keeps its texts for the <head> in the reader's language beside it
(`head_texts`, cases/selectors/case_page.py); a member's `case` is already in that language.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, to_locale

from cases.models import Case, Vote
from cases.tallies import verdict_of
from cases.translations import reader_language

# The picture a shared link shows: the logo's bars on its colour, 1200 × 630 (scripts/og_image.py).
IMAGE = "img/og-image.png"
IMAGE_SIZE = (1200, 630)
# Search engines show about 160 characters of a description; a summary can have 600.
DESCRIPTION_LENGTH = 300
# Top-level templates that answer an error: nothing to index or share.
ERROR_TEMPLATES = {"404.html", "refused.html"}
# og:locale wants language_TERRITORY.
OG_LOCALES = {"en": "en_US", "de": "de_DE"}
SHARE_LABELS = {
    Vote.Choice.YES: gettext_lazy("%(percent)s %% made sense"),
    Vote.Choice.NO: gettext_lazy("%(percent)s %% did not make sense"),
    Vote.Choice.DEPENDS: gettext_lazy("%(percent)s %% said it depends"),
}


@dataclass
class PageMeta:
    title: str
    description: str
    url: str
    image: str
    image_alt: str
    social_description: str = ""  # og:/twitter:description; default: the description
    type: str = "website"
    locale: str = ""
    locale_alternates: list[str] = field(default_factory=list)
    noindex: bool = False
    shareable: bool = True  # Open Graph and Twitter tags at all

    def __post_init__(self) -> None:
        self.social_description = self.social_description or self.description


def shorten(text: str, length: int = DESCRIPTION_LENGTH) -> str:
    """`text` on one line, cut after a whole word with "…" when longer than `length`."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if text[length - 1] != " ":
        cut = cut.rpartition(" ")[0] or cut
    return cut.rstrip(" ,;:–—") + "…"


def verdict_text(case: Case) -> str:
    """The verdict so far as one line: the leading answer's share (every answer tied for the
    lead), the number of votes, and "too close to call" where the page says so (fewer than
    ten votes, or a lead within the margin of error: cases.tallies); "No votes yet" without
    any."""
    total = case.vote_total
    if not total:
        return _("No votes yet")
    if case.blind_mode:  # the result shows to those who voted: a shared link keeps it too
        count = ngettext("%(counter)s vote", "%(counter)s votes", total)
        return f"{count % {'counter': localize(total)}} · {_('vote before you see the verdict')}"
    verdict = verdict_of(case)
    top = max(share.percent for share in verdict)
    parts = [
        str(SHARE_LABELS[Vote.Choice(share.choice)]) % {"percent": share.percent}
        for share in verdict
        if share.percent == top
    ]
    parts.append(
        ngettext("%(counter)s vote", "%(counter)s votes", total) % {"counter": localize(total)}
    )
    if getattr(verdict, "too_close", False):
        parts.append(_("too close to call"))
    return " · ".join(parts)


def case_texts(case: Case, context) -> dict[str, str]:
    """The case's title, decision and summary as the page shows them (see the module)."""
    return context.get("head_texts") or {
        "title": case.title,
        "decision": case.decision,
        "summary": case.summary,
    }


def page_meta(context) -> PageMeta | None:
    """The metadata of the page being rendered (a template Context), or None without a
    request (e.g. a page rendered for an email)."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return None
    links = context.get("language_links")
    url = links.canonical if links else request.build_absolute_uri(request.path)
    language = reader_language()
    locale = OG_LOCALES.get(language, to_locale(language))
    meta = PageMeta(
        title=_("Outsourcing verdicts"),
        description=_("Real outsourcing decisions, judged by the people who read them."),
        url=url,
        image=request.build_absolute_uri(static(IMAGE)),
        image_alt=_("The site's logo: three bars in green, red and amber on blue"),
        locale=locale,
        locale_alternates=[
            OG_LOCALES.get(code, to_locale(code))
            for code, _name in settings.LANGUAGES
            if OG_LOCALES.get(code, to_locale(code)) != locale
        ],
    )
    if getattr(getattr(context, "template", None), "name", None) in ERROR_TEMPLATES:
        meta.noindex, meta.shareable = True, False
        return meta
    match = request.resolver_match
    view = match.view_name if match else ""
    if view == "cases:detail" and isinstance(context.get("case"), Case):
        case = context["case"]
        texts = case_texts(case, context)
        meta.title = texts["title"]
        meta.description = shorten(texts["summary"])
        meta.social_description = f"{texts['decision']} · {verdict_text(case)}"
        meta.type = "article"
        meta.noindex = not case.is_published
    elif view == "cases:list":
        meta.title = _("Did it make sense?")
        meta.description = _(
            "Real outsourcing decisions. Read what happened, then give your verdict and argue it."
        )
        meta.noindex = bool(request.GET.get("q"))  # search results: followed, not indexed
    elif view == "cases:rule_of_thumb":
        meta.title = _("The rule of thumb")
        meta.description = _(
            "When does outsourcing pay off? The simple rule from the posts behind our first "
            "cases, set against how readers voted."
        )
    elif view == "cases:moderation_log":
        meta.title = _("Moderation log")
        meta.description = _(
            "Every act of the curators, and of readers' flags, newest first. Hidden comments "
            "are not repeated here: only that they were hidden, and why."
        )
    elif view == "profile" and context.get("person") is not None:
        name = context["person"].username
        meta.title = name
        meta.description = _("Votes and comments of %(name)s.") % {"name": name}
    return meta
