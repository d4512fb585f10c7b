"""The Atom feeds (cases/feeds.py): valid Atom in a feed validator's terms, what each one lists
(never a hidden or deleted comment, never an unpublished case's title), the pages' links to
them, GET only, and a constant number of queries at two sizes."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, ModerationLog
from tests.factories import CaseFactory, CommentFactory, UserFactory
from tests.test_security_headers import assert_security_headers

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CASES_FEED = reverse("cases:cases_feed")
MODERATION_FEED = reverse("cases:moderation_feed")


def case_feed_url(case) -> str:
    return reverse("cases:case_comments_feed", kwargs={"slug": case.slug})


def user_feed_url(person) -> str:
    return reverse("cases:user_comments_feed", kwargs={"username": person.username})


def fetch(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(f"{ATOM}entry")


def titles(feed: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries(feed)]


def summaries(feed: ET.Element) -> list[str]:
    """Each entry's summary as the HTML a reader shows (the XML parser undoes one escaping)."""
    return [entry.findtext(f"{ATOM}summary") or "" for entry in entries(feed)]


def links(feed: ET.Element) -> list[str]:
    return [entry.find(f"{ATOM}link[@rel='alternate']").get("href") for entry in entries(feed)]


def is_date(text: str | None) -> bool:
    """An RFC 3339 date-time with its offset, as Atom's <updated> must be."""
    return bool(text) and datetime.fromisoformat(text).tzinfo is not None


def assert_valid_atom(feed: ET.Element) -> None:
    """What a feed validator requires of Atom (RFC 4287): the namespace; a feed id, title,
    updated and author (the entries may then leave theirs out); each entry an absolute id,
    a title, an updated date and a link; no id twice."""
    assert feed.tag == f"{ATOM}feed"
    feed_id = feed.findtext(f"{ATOM}id")
    assert urlsplit(feed_id).scheme == "http"
    assert feed.findtext(f"{ATOM}title")
    assert is_date(feed.findtext(f"{ATOM}updated"))
    assert feed.findtext(f"{ATOM}author/{ATOM}name")
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    ids = [feed_id]
    for entry in entries(feed):
        entry_id = entry.findtext(f"{ATOM}id")
        assert urlsplit(entry_id).scheme == "http", entry_id
        assert entry.findtext(f"{ATOM}title")
        assert is_date(entry.findtext(f"{ATOM}updated"))
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None and link.get("href").startswith("http://testserver/")
        ids.append(entry_id)
    assert len(ids) == len(set(ids))


@pytest.fixture
def site(case, curator, other_user):
    """A little of everything: a case with a comment, a hidden one and a deleted one, and
    the log rows the hiding and a closing wrote."""
    CommentFactory(case=case, author=other_user, body="Shown to *everyone*.")
    hidden = CommentFactory(case=case, author=other_user, body="Hidden insult.")
    services.hide_comment(moderator=curator, comment=hidden, reason="Rude.")
    deleted = CommentFactory(case=case, author=other_user, body="Deleted second thoughts.")
    services.delete_comment(actor=other_user, comment=deleted)
    services.close_case(moderator=curator, case=case, reason="Talked out.")
    return case


# --- valid Atom ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cases", "case_comments", "user_comments", "moderation"])
def test_every_feed_is_valid_atom(client, site, other_user, kind):
    url = {
        "cases": CASES_FEED,
        "case_comments": case_feed_url(site),
        "user_comments": user_feed_url(other_user),
        "moderation": MODERATION_FEED,
    }[kind]

    feed = fetch(client, url)

    assert_valid_atom(feed)
    assert entries(feed)
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"http://testserver{url}"


def test_an_empty_feed_is_valid_atom_too(client, db):
    feed = fetch(client, CASES_FEED)

    assert_valid_atom(feed)
    assert entries(feed) == []


def test_a_feed_has_the_security_headers(client, site):
    response = client.get(case_feed_url(site))

    assert_security_headers(response)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_feeds_answer_only_get_and_head(client, site, method):
    assert getattr(client, method)(case_feed_url(site)).status_code == 405
    assert client.head(case_feed_url(site)).status_code == 200


# --- new cases ------------------------------------------------------------------------------------


def test_the_cases_feed_lists_the_latest_30_published_cases_newest_first(client, db):
    now = timezone.now()
    cases = [
        CaseFactory(title=f"Decision {i:02d}", published_at=now - timedelta(hours=i))
        for i in range(31)
    ]
    CaseFactory(title="A draft nobody may see", draft=True)

    feed = fetch(client, CASES_FEED)

    assert titles(feed) == [f"Decision {i:02d}" for i in range(30)]
    newest = entries(feed)[0]
    assert links(feed)[0] == f"http://testserver{cases[0].get_absolute_url()}"
    assert datetime.fromisoformat(newest.findtext(f"{ATOM}published")) == cases[0].published_at
    assert datetime.fromisoformat(newest.findtext(f"{ATOM}updated")) == cases[0].updated_at
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == "Outsourcing verdicts"
    assert "A firm hands its customer care to a call center." in summaries(feed)[0]


def test_the_cases_feed_escapes_a_summary(client, db):
    CaseFactory(summary="Costs <script>alert(1)</script> & more")

    feed = fetch(client, CASES_FEED)

    assert "Costs &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in summaries(feed)[0]


# --- a case's comments ------------------------------------------------------------------------


def test_the_case_feed_never_shows_a_hidden_or_deleted_comment(client, site):
    feed = fetch(client, case_feed_url(site))

    text = ET.tostring(feed, encoding="unicode")
    assert "Hidden insult" not in text
    assert "Deleted second thoughts" not in text
    assert summaries(feed) == ["<p>Shown to <em>everyone</em>.</p>"]
    shown = site.comments.get(body="Shown to *everyone*.")
    assert links(feed) == [
        f"http://testserver{reverse('cases:comment_permalink', args=[shown.pk])}"
    ]
    assert titles(feed) == ["bob on “Customer care goes to a call center”"]
    assert entries(feed)[0].findtext(f"{ATOM}author/{ATOM}name") == "bob"


def test_the_case_feed_shows_the_latest_50_newest_first_and_a_deleted_account(client, case):
    comments = CommentFactory.create_batch(50, case=case)
    leaver = UserFactory(username="leaver")
    comments.append(CommentFactory(case=case, author=leaver))
    leaver.delete()  # the newest comment's author leaves; the comment stays

    feed = fetch(client, case_feed_url(case))

    assert summaries(feed) == [comment.body_html for comment in comments[::-1][:50]]
    assert titles(feed)[0] == "[deleted account] on “Customer care goes to a call center”"
    assert entries(feed)[0].findtext(f"{ATOM}author/{ATOM}name") == "[deleted account]"


def test_the_case_feed_shows_an_edit_as_its_update(client, case):
    comment = CommentFactory(case=case)
    edited = comment.created_at + timedelta(hours=2)
    type(comment).objects.filter(pk=comment.pk).update(edited_at=edited)

    entry = entries(fetch(client, case_feed_url(case)))[0]

    assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) == edited
    assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")) == comment.created_at


def test_no_feed_for_an_unpublished_or_unknown_case(client, draft_case):
    CommentFactory(case=draft_case, body="Said on a draft.")

    assert client.get(case_feed_url(draft_case)).status_code == 404
    assert client.get("/cases/no-such-case/feed/").status_code == 404


# --- a person's comments ------------------------------------------------------------------------


def test_the_user_feed_lists_their_readable_comments_on_published_cases(
    client, site, other_user, draft_case
):
    CommentFactory(case=draft_case, author=other_user, body="On a draft.")
    CommentFactory(case=site, body="Someone else's word.")

    feed = fetch(client, user_feed_url(other_user))

    assert summaries(feed) == ["<p>Shown to <em>everyone</em>.</p>"]
    assert feed.findtext(f"{ATOM}title") == "Comments by bob · Outsourcing verdicts"


def test_the_user_feed_shows_nothing_of_a_suspended_persons_hidden_comments(client, case, curator):
    person = UserFactory(username="spammer")
    kept = CommentFactory(case=case, author=person, body="An early, fair point.")
    spam = CommentFactory(case=case, author=person, body="Buy cheap watches.")
    services.hide_comment(moderator=curator, comment=spam, reason="Spam.")
    services.suspend_user(moderator=curator, user=person, reason="Spam", permanently=True)

    feed = fetch(client, user_feed_url(person))

    assert summaries(feed) == [kept.body_html]
    assert "watches" not in ET.tostring(feed, encoding="unicode")


def test_the_user_feed_has_the_latest_50(client, case, other_user):
    for _ in range(51):
        CommentFactory(case=case, author=other_user)

    assert len(entries(fetch(client, user_feed_url(other_user)))) == 50


def test_no_feed_for_an_unknown_or_inactive_person(client, db):
    UserFactory(username="gone", is_active=False)

    assert client.get("/users/nobody-here/feed/").status_code == 404
    assert client.get("/users/gone/feed/").status_code == 404


# --- the moderation log ---------------------------------------------------------------------


def test_the_moderation_feed_names_the_act_and_the_case_and_says_why(client, site):
    feed = fetch(client, MODERATION_FEED)

    assert titles(feed) == [
        "Closed a case: Customer care goes to a call center",
        "Hid a comment: Customer care goes to a call center",
    ]
    closing, hiding = ModerationLog.objects.order_by("-created_at", "-id")
    assert [html.unescape(s) for s in summaries(feed)] == [
        f"<p>{closing.describe()}</p>",
        f"<p>{hiding.describe()}</p>",
    ]
    assert "Talked out." in summaries(feed)[0]
    assert (
        links(feed)[0] == f"http://testserver{reverse('cases:moderation_log')}#entry-{closing.pk}"
    )
    assert entries(feed)[0].findtext(f"{ATOM}author/{ATOM}name") == "curator"
    assert f'<tr id="entry-{closing.pk}">' in client.get(reverse("cases:moderation_log")).text


def test_the_moderation_feed_never_names_an_unpublished_case(client, curator, draft_case):
    person = UserFactory(username="troll")
    ModerationLog.objects.create(
        moderator=curator,
        moderator_name=curator.username,
        action=ModerationLog.Action.SEND_BACK,
        case=draft_case,
    )
    services.suspend_user(moderator=curator, user=person, reason="Trolling", permanently=True)

    feed = fetch(client, MODERATION_FEED)

    assert titles(feed) == ["Suspended a user: troll", "Sent a proposal back: an unpublished case"]
    assert "An unpublished case" not in ET.tostring(feed, encoding="unicode")  # its title


def test_the_moderation_feed_has_the_latest_50_rows(client, curator, case):
    ModerationLog.objects.bulk_create(
        ModerationLog(moderator=curator, moderator_name="curator", action="close", case=case)
        for _ in range(51)
    )

    assert len(entries(fetch(client, MODERATION_FEED))) == 50


def test_a_feed_speaks_the_language_asked_for(client, site):
    feed = fetch(client, f"{MODERATION_FEED}?lang=de")

    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "de"
    assert titles(feed)[0] == "Fall geschlossen: Customer care goes to a call center"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "Outsourcing-Urteile"
    self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
    assert self_link == f"http://testserver{MODERATION_FEED}?lang=de"


# --- the pages link their feeds -------------------------------------------------------------


def feed_links(page: str) -> list[tuple[str, str]]:
    """(title, href) of each Atom <link> in the page's <head>."""
    head = page.split("</head>", 1)[0]
    pattern = r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">'
    return [(html.unescape(t), html.unescape(h)) for t, h in re.findall(pattern, head)]


def test_each_page_links_its_feed(client, site, other_user):
    case_title = "Comments on “Customer care goes to a call center” · Outsourcing verdicts"
    expected = {
        reverse("cases:list"): ("New cases · Outsourcing verdicts", CASES_FEED),
        site.get_absolute_url(): (case_title, case_feed_url(site)),
        other_user.get_absolute_url(): (
            "Comments by bob · Outsourcing verdicts",
            user_feed_url(other_user),
        ),
        reverse("cases:moderation_log"): ("Moderation log · Outsourcing verdicts", MODERATION_FEED),
    }
    for page, link in expected.items():
        assert feed_links(client.get(page).text) == [link], page


def test_a_german_page_links_the_german_feed(client, site):
    page = client.get(f"{reverse('cases:moderation_log')}?lang=de").text

    assert feed_links(page) == [
        ("Moderationsprotokoll · Outsourcing-Urteile", f"{MODERATION_FEED}?lang=de")
    ]


def test_a_signed_in_case_page_links_its_feed_and_an_unpublished_one_none(
    curator_client, case, draft_case
):
    page = curator_client.get(case.get_absolute_url()).text
    response = curator_client.get(draft_case.get_absolute_url())

    assert [href for _, href in feed_links(page)] == [case_feed_url(case)]
    assert response.status_code == 200  # a curator's preview
    assert feed_links(response.text) == []


# --- what they cost ---------------------------------------------------------------------------


@pytest.fixture(params=[3, 40], ids=["3-items", "40-items"])
def busy_site(request, case, curator):
    """`size` published cases, a comment by one person on each, as many comments on `case`
    (one of them that person's), and a log row about each case."""
    size = request.param
    person = UserFactory(username="writer")
    cases = [case, *CaseFactory.create_batch(size - 1)]
    for other in cases:
        CommentFactory(case=other, author=person)
    for _ in range(size - 1):
        CommentFactory(case=case, author=UserFactory())
    ModerationLog.objects.bulk_create(
        ModerationLog(moderator=curator, moderator_name="curator", action="close", case=c)
        for c in cases
    )
    return size


@pytest.mark.parametrize(
    ("url", "queries", "most"),
    [
        (CASES_FEED, 1, 30),
        (case_feed_url(Case(slug="call-center")), 2, 50),
        ("/users/writer/feed/", 2, 50),
        (MODERATION_FEED, 1, 50),
    ],
    ids=["cases", "case-comments", "user-comments", "moderation"],
)
def test_a_feed_costs_the_same_queries_at_any_size(
    client, busy_site, django_assert_num_queries, url, queries, most
):
    with django_assert_num_queries(queries):
        feed = fetch(client, url)

    assert len(entries(feed)) == min(busy_site, most)
