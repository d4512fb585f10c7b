"""The site's Atom feeds (django.contrib.syndication), each linked from its page's <head>
(`{% feed_link %}`, cases/templatetags/feed_links.py, in templates/base.html's `feed_link`
block):

- `/feeds/cases/`: the latest published cases, newest first (the list page);
- `/cases/<slug>/feed/`: a published case's latest readable comments (the case page);
- `/users/<username>/feed/`: a person's latest readable comments on published cases (their
  profile);
- `/moderation/feed/`: the latest rows of the moderation log (the log).

What they show is what the pages show to a visitor: a hidden or deleted comment never appears,
nor an unpublished case's title. The feeds' own words (titles, subtitles, the log's actions
and reasons) are in the reader's language (`?lang=de`, as on the pages); the cases' titles and
summaries and the comments are as written, since a feed is fetched alike for every reader.
Each feed costs a constant number of queries: one for its items, one more for the case or the
person it is about.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_safe

from accounts.models import User
from cases.models import Case, Comment, ModerationLog
from cases.sitemaps import in_language

CASES_IN_FEED = 30
COMMENTS_IN_FEED = 50
LOG_ENTRIES_IN_FEED = 50
SITE_NAME = gettext_lazy("Outsourcing verdicts")
# The long texts an item never shows.
CASE_TEXTS = ("story", "story_html", "outcome", "search_document", "review_note")


@dataclass(frozen=True)
class FeedLink:
    """What a page's <link rel="alternate" type="application/atom+xml"> names."""

    title: str
    url: str


class AtomFeed(Feed):
    """An Atom feed by the site: its title ends with the site's name, as the pages' do."""

    feed_type = Atom1Feed
    author_name = SITE_NAME

    def name(self, obj) -> str:
        raise NotImplementedError

    def description(self, obj) -> str:
        raise NotImplementedError

    def feed_path(self, obj) -> str:
        raise NotImplementedError

    def offered_for(self, obj) -> bool:
        """Whether the page about `obj` links this feed (it would answer 404 otherwise)."""
        return True

    def title(self, obj) -> str:
        return f"{self.name(obj)} · {SITE_NAME}"

    def subtitle(self, obj) -> str:
        return self.description(obj)

    def get_feed(self, obj, request: HttpRequest):
        feed = super().get_feed(obj, request)
        # rel="self" is the address fetched, `?lang=` included (the framework drops the query);
        # the feed's id is its own address, not its page's (an entry of another feed may be
        # that page: a case in the feed of new cases).
        feed.feed["feed_url"] = request.build_absolute_uri()
        feed.feed["id"] = request.build_absolute_uri(request.path)
        return feed


class NewCasesFeed(AtomFeed):
    """The latest published cases, newest first, as written (not translated)."""

    def name(self, obj) -> str:
        return gettext("New cases")

    def description(self, obj) -> str:
        return gettext("The latest published outsourcing decisions, newest first.")

    def link(self, obj) -> str:
        return reverse("cases:list")

    def feed_path(self, obj) -> str:
        return reverse("cases:cases_feed")

    def items(self, obj) -> QuerySet[Case]:
        cases = Case.objects.published().defer(*CASE_TEXTS).select_related("category")
        return cases.order_by("-published_at", "-id")[:CASES_IN_FEED]

    def item_title(self, case: Case) -> str:
        return case.title

    def item_description(self, case: Case) -> str:
        return format_html("<p><strong>{}</strong></p><p>{}</p>", case.decision, case.summary)

    def item_link(self, case: Case) -> str:
        return case.get_absolute_url()

    def item_author_name(self, case: Case) -> str:
        return str(SITE_NAME)

    def item_pubdate(self, case: Case):
        return case.published_at

    def item_updateddate(self, case: Case):
        return case.updated_at

    def item_categories(self, case: Case) -> list[str]:
        return [case.category.name]


class CommentsFeed(AtomFeed):
    """Readable comments (never hidden, never deleted), each linking to its permalink, with
    its stored sanitised HTML (cases/markdown.py)."""

    def item_title(self, comment: Comment) -> str:
        return gettext("%(author)s on “%(case)s”") % {
            "author": self.item_author_name(comment),
            "case": comment.case.title,
        }

    def item_description(self, comment: Comment) -> str:
        return comment.body_html

    def item_link(self, comment: Comment) -> str:
        return reverse("cases:comment_permalink", args=[comment.pk])

    def item_author_name(self, comment: Comment) -> str:
        return comment.author.username if comment.author else gettext("[deleted account]")

    def item_pubdate(self, comment: Comment):
        return comment.created_at

    def item_updateddate(self, comment: Comment):
        return comment.edited_at or comment.created_at


class CaseCommentsFeed(CommentsFeed):
    """A published case's latest comments; 404 for any other case."""

    def get_object(self, request: HttpRequest, slug: str) -> Case:
        return get_object_or_404(Case.objects.published().defer(*CASE_TEXTS), slug=slug)

    def offered_for(self, case: Case | None) -> bool:
        return case is not None and case.is_published

    def name(self, case: Case) -> str:
        return gettext("Comments on “%(title)s”") % {"title": case.title}

    def description(self, case: Case) -> str:
        return gettext("The latest comments on this case, newest first.")

    def link(self, case: Case) -> str:
        return case.get_absolute_url()

    def feed_path(self, case: Case) -> str:
        return reverse("cases:case_comments_feed", kwargs={"slug": case.slug})

    def items(self, case: Case) -> QuerySet[Comment]:
        # The related manager sets each comment's case to `case`: no join for it.
        comments = case.comments.visible().select_related("author").defer("body")
        return comments.order_by("-created_at", "-id")[:COMMENTS_IN_FEED]


class UserCommentsFeed(CommentsFeed):
    """A person's latest comments on published cases, as their profile lists them."""

    def get_object(self, request: HttpRequest, username: str) -> User:
        return get_object_or_404(User, username=username, is_active=True)

    def offered_for(self, person: User | None) -> bool:
        return person is not None and person.is_active

    def name(self, person: User) -> str:
        return gettext("Comments by %(name)s") % {"name": person.username}

    def description(self, person: User) -> str:
        return gettext("The latest comments by %(name)s on published cases, newest first.") % {
            "name": person.username
        }

    def link(self, person: User) -> str:
        return person.get_absolute_url()

    def feed_path(self, person: User) -> str:
        return reverse("cases:user_comments_feed", kwargs={"username": person.username})

    def items(self, person: User) -> QuerySet[Comment]:
        # The related manager sets each comment's author to `person`: no join for it.
        comments = person.comments.visible().on_published_cases().select_related("case")
        comments = comments.defer("body", *(f"case__{field}" for field in CASE_TEXTS))
        return comments.order_by("-created_at", "-id")[:COMMENTS_IN_FEED]


class ModerationLogFeed(AtomFeed):
    """The latest moderation acts, as the log shows them: an unpublished case is not named."""

    def name(self, obj) -> str:
        return gettext("Moderation log")

    def description(self, obj) -> str:
        return gettext("The latest acts of the curators, and of readers' flags, newest first.")

    def link(self, obj) -> str:
        return reverse("cases:moderation_log")

    def feed_path(self, obj) -> str:
        return reverse("cases:moderation_feed")

    def items(self, obj) -> QuerySet[ModerationLog]:
        rows = ModerationLog.objects.select_related("case", "comment__case").defer(
            "comment__body",
            "comment__body_html",
            *(f"case__{field}" for field in CASE_TEXTS),
            *(f"comment__case__{field}" for field in CASE_TEXTS),
        )
        return rows.order_by("-created_at", "-id")[:LOG_ENTRIES_IN_FEED]

    def item_title(self, row: ModerationLog) -> str:
        return gettext("%(action)s: %(subject)s") % {
            "action": row.get_action_display(),
            "subject": self.subject(row),
        }

    @staticmethod
    def subject(row: ModerationLog) -> str:
        """What the act was about, as the log's "On" column says it (in plain text)."""
        if row.action in (ModerationLog.Action.SUSPEND, ModerationLog.Action.UNSUSPEND):
            return row.subject_name or gettext("something since removed")
        if row.action == ModerationLog.Action.LABEL_GROUP:
            return gettext("the opinion groups")
        case = row.case or (row.comment.case if row.comment else None)
        if case is None:
            return gettext("something since removed")
        return case.title if case.is_published else gettext("an unpublished case")

    def item_description(self, row: ModerationLog) -> str | None:
        # Plain text in an HTML summary: escaped.
        text = row.describe()
        return format_html("<p>{}</p>", text) if text else None

    def item_link(self, row: ModerationLog) -> str:
        # The row on the log's page (templates/cases/moderation_log.html): unique per entry.
        return f"{reverse('cases:moderation_log')}#entry-{row.pk}"

    def item_author_name(self, row: ModerationLog) -> str | None:
        return row.actor_name() or None

    def item_pubdate(self, row: ModerationLog):
        return row.created_at

    def item_updateddate(self, row: ModerationLog):
        return row.created_at


FEEDS: dict[str, AtomFeed] = {
    "cases": NewCasesFeed(),
    "case_comments": CaseCommentsFeed(),
    "user_comments": UserCommentsFeed(),
    "moderation": ModerationLogFeed(),
}

# The views (cases/urls.py): GET and HEAD only, like every read (tests/test_guards.py).
cases_feed = require_safe(FEEDS["cases"])
case_comments_feed = require_safe(FEEDS["case_comments"])
user_comments_feed = require_safe(FEEDS["user_comments"])
moderation_feed = require_safe(FEEDS["moderation"])


def feed_link(kind: str, obj=None) -> FeedLink | None:
    """The feed of kind `kind` (a key of FEEDS) about `obj` (a case, a person, or None), for
    the page's <head>: its title and address in the reader's language (`?lang=` when not the
    default); None where there is no such feed (an unpublished case)."""
    feed = FEEDS[kind]
    if not feed.offered_for(obj):
        return None
    return FeedLink(title=feed.title(obj), url=in_language(feed.feed_path(obj)))
