"""The objects the fuzz acts on, the people it acts as, and what their pages ask for.

One world per test module (tests/test_fuzz.py keeps it in a transaction it rolls back at the
end); every example runs in a savepoint of its own that is rolled back too, so that no example
sees what another one wrote (a deleted user, a logged-out session, a suspension).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import User
from cases.models import Case, Flag, ModerationLog
from tests.factories import CaseFactory, CategoryFactory, CommentFactory, UserFactory, VoteFactory
from tests.fuzz.urls import Endpoint, Slot

ROLES = ("anonymous", "member", "curator", "superuser")
# Roles whose pages are read for field names: the curator sees a subset of the superuser's.
SCANNED_ROLES = ("anonymous", "member", "superuser")
NOT_FUZZED_FIELDS = {"csrfmiddlewaretoken"}


@dataclass(repr=False)  # a short repr in Hypothesis' reports
class World:
    users: dict[str, User]
    sessions: dict[str, str]
    values: dict[str, list[str]]  # slot name -> real values (slugs, usernames, ids…)
    pks: dict[type, list[str]]  # model -> primary keys, for admin object URLs
    history_pks: dict[type, list[str]]
    fields: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # route -> name -> values
    known: list[str] = field(default_factory=list)  # every real value, for any field

    def __repr__(self) -> str:
        return f"<World of {len(self.users)} people and {len(self.known)} known values>"

    def real(self, endpoint: Endpoint, slot: Slot) -> list[str]:
        if endpoint.model is not None and slot.name in {"object_id", "id", "_1"}:
            return self.pks.get(endpoint.model, [])
        if endpoint.model is not None and slot.name in {"history_id", "_2"}:
            return self.history_pks.get(endpoint.model, [])
        return self.values.get(slot.name, [])

    def first_path(self, endpoint: Endpoint) -> str | None:
        """The endpoint with the first real value in every slot (None if a slot has none)."""
        parts = []
        for part in endpoint.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            real = self.real(endpoint, part)
            if not real:
                return None
            parts.append(real[0])
        return "/" + "".join(parts)

    def client(self, role: str) -> Client:
        """A client of its own for each request, logged in as the role (CSRF checks off, as
        the test client always has them; exceptions come back as 500s, not raised)."""
        client = Client(raise_request_exception=False)
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


def send(world: World, request: dict):
    """One request, in a savepoint rolled back afterwards; the cache starts empty (rate limits,
    cached fragments), so that every example sees the same site."""
    client = world.client(request["role"])
    headers = {"HX-Request": "true"} if request["htmx"] else {}
    cache.clear()
    with transaction.atomic():
        if request["method"] == "GET":
            response = client.get(request["path"], request["data"], headers=headers)
        elif request["multipart"]:
            response = client.post(request["path"], request["data"], headers=headers)
        else:
            response = client.post(
                request["path"],
                urlencode(request["data"], doseq=True),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )
        transaction.set_rollback(True)
    if os.environ.get("FUZZ_LOG"):  # a file to append every request and its status to
        with open(os.environ["FUZZ_LOG"], "a", encoding="utf-8") as log:
            where = response.get("Location", "")
            log.write(f"{response.status_code} {where} {request!r}\n")
    return response


def build_world(endpoints: list[Endpoint]) -> World:
    now = timezone.now()
    category = CategoryFactory(slug="fuzz-category", name="Fuzz category")
    member = UserFactory(username="fuzz-member")
    other = UserFactory(username="fuzz-other")
    curator = UserFactory(username="fuzz-curator", is_staff=True)
    curator.groups.add(_curators_group())
    superuser = UserFactory(username="fuzz-root", is_staff=True, is_superuser=True)
    suspended = UserFactory(
        username="fuzz-suspended", suspended_until=now + timedelta(days=7), suspension_reason="x"
    )
    for person in (member, other, curator, superuser, suspended):
        EmailAddress.objects.update_or_create(
            user=person, email=person.email, defaults={"verified": person != other, "primary": True}
        )

    published = CaseFactory(slug="fuzz-published", category=category, proposer=member)
    closed = CaseFactory(
        slug="fuzz-closed", category=category, closed_at=now, closed_reason="Enough said."
    )
    featured = CaseFactory(slug="fuzz-featured", category=category, featured_at=now)
    draft = CaseFactory(slug="fuzz-draft", category=category, draft=True)
    pending = CaseFactory(
        slug="fuzz-pending",
        category=category,
        status=Case.Status.PENDING,
        published_at=None,
        proposer=member,
        submitted_at=now,
    )
    needs_changes = CaseFactory(
        slug="fuzz-needs-changes",
        category=category,
        status=Case.Status.NEEDS_CHANGES,
        published_at=None,
        proposer=member,
        submitted_at=now,
        review_note="Add a source.",
    )
    archived = CaseFactory(slug="fuzz-archived", category=category, archived=True)

    top = CommentFactory(case=published, author=other, body="Top comment by the other member.")
    own = CommentFactory(case=published, author=member, parent=top, body="The member's reply.")
    CommentFactory(case=published, author=member, body="The member's own comment.")
    hidden = CommentFactory(
        case=published, author=other, hidden_at=now, hidden_by=curator, hidden_reason="Unkind."
    )
    CommentFactory(case=published, author=other, deleted_at=now, body="")
    on_closed = CommentFactory(case=closed, author=other)
    CommentFactory(case=draft, author=other)
    VoteFactory(user=member, case=published, choice="yes")
    VoteFactory(user=other, case=published, choice="no")
    Flag.objects.create(user=member, comment=top, reason=Flag.Reason.SPAM, note="Looks like it.")
    Flag.objects.create(
        user=curator,
        comment=on_closed,
        reason=Flag.Reason.UNKIND,
        resolved_at=now,
        resolved_by=curator,
        resolution=Flag.Resolution.KEPT,
    )
    ModerationLog.objects.create(
        moderator=curator,
        moderator_name=curator.username,
        action=ModerationLog.Action.HIDE_COMMENT,
        case=published,
        comment=hidden,
        reason="Unkind.",
    )
    ModerationLog.objects.create(
        moderator=curator,
        moderator_name=curator.username,
        action=ModerationLog.Action.SUSPEND,
        subject=suspended,
        subject_name=suspended.username,
        reason="x",
    )

    cases = [published, closed, featured, draft, pending, needs_changes, archived]
    users = {"member": member, "curator": curator, "superuser": superuser}
    values = {
        "slug": [case.slug for case in cases] + [category.slug],
        "username": [person.username for person in (member, other, curator, superuser, suspended)],
        "comment_id": [str(comment.pk) for comment in (own, top, hidden, on_closed)],
        "tool": _case_tools(),
        "content_type_id": [str(pk) for pk in ContentType.objects.values_list("pk", flat=True)],
        "app_label": sorted({model._meta.app_label for model in _admin_models(endpoints)}),
        "object_id": [str(published.pk), str(member.pk)],
    }
    world = World(
        users=users,
        sessions={role: _session_key(person) for role, person in users.items()},
        values=values,
        pks={model: _pks(model._default_manager.all()) for model in _admin_models(endpoints)},
        history_pks={
            model: _pks(model.history.all())
            for model in _admin_models(endpoints)
            if hasattr(model, "history")
        },
    )
    _scan(world, endpoints)
    return world


def _curators_group() -> Group:
    """As tests/conftest.py `curators_group` rebuilds it (a flush empties the auth tables)."""
    migration = importlib.import_module("cases.migrations.0002_curators_group")
    group, _ = Group.objects.get_or_create(name="curators")
    wanted = [
        migration.codename(action, model)
        for model, actions in migration.CURATOR_PERMISSIONS.items()
        for action in actions
    ]
    wanted.append("view_flag")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="cases", codename__in=wanted)
    )
    return group


def _case_tools() -> list[str]:
    """The tools of /curate/cases/<slug>/<tool>/, read from the view's table (if it still has
    one after a refactor; fuzz alone otherwise)."""
    from cases.views import curation

    return sorted(getattr(curation, "CASE_TOOLS", {}))


def _admin_models(endpoints: list[Endpoint]) -> list[type]:
    return sorted({e.model for e in endpoints if e.model}, key=lambda model: model._meta.label)


def _pks(queryset) -> list[str]:
    return [str(pk) for pk in queryset.order_by("-pk").values_list("pk", flat=True)[:12]]


def _session_key(person: User) -> str:
    client = Client()
    client.force_login(person)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# --- what the pages ask for ---------------------------------------------------------------


class _FieldScanner(HTMLParser):
    """Form fields (with their values and options) and the query strings of links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: list[tuple[str, dict[str, list[str]]]] = []  # (form action, fields)
        self.loose: dict[str, list[str]] = {}  # fields outside any form
        self.links: list[str] = []
        self._fields: dict[str, list[str]] | None = None
        self._options: list[str] | None = None
        self._text: list[str] | None = None  # a textarea's content
        self._text_values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        for attribute in ("href", "hx-get", "hx-post"):
            if found.get(attribute):
                self.links.append(found[attribute])
        if tag == "form":
            action = found.get("action") or found.get("hx-post") or found.get("hx-get") or ""
            self._fields = {}
            self.targets.append((action, self._fields))
        elif tag in {"input", "textarea", "select", "button"} and found.get("name"):
            fields = self._fields if self._fields is not None else self.loose
            values = fields.setdefault(found["name"], [])
            if "value" in found:
                values.append(found["value"])
            if tag == "select":
                self._options = values
            elif tag == "textarea":
                self._text, self._text_values = [], values
        elif tag == "option" and self._options is not None and "value" in found:
            self._options.append(found["value"])

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._options = None
        elif tag == "textarea" and self._text is not None:
            text = "".join(self._text).removeprefix("\n")
            if text:
                self._text_values.append(text)
            self._text = None


def _scan(world: World, endpoints: list[Endpoint]) -> None:
    """GET every endpoint (real values) as each scanned role; file every form's fields under
    the route it posts to, and every link's query under the route it points at."""
    known: set[str] = set()
    for values in [*world.values.values(), *world.pks.values(), *world.history_pks.values()]:
        known.update(values)
    for endpoint in endpoints:
        path = world.first_path(endpoint)
        if path is None:
            continue
        for role in SCANNED_ROLES:
            response = world.client(role).get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            scanner = _FieldScanner()
            scanner.feed(response.content.decode(errors="replace"))
            _file(world, path, scanner.loose, known)
            for action, fields in scanner.targets:
                _file(world, urljoin(path, action), fields, known)
            for link in scanner.links:
                target = urljoin(path, link)
                query = dict_of_lists(parse_qsl(urlsplit(target).query, keep_blank_values=True))
                _file(world, target, query, known)
    world.known = sorted(known)


def _file(world: World, url: str, fields: dict[str, list[str]], known: set[str]) -> None:
    parts = urlsplit(url)
    if parts.netloc not in {"", "testserver"} or not fields:
        return
    try:
        route = resolve(parts.path).route
    except Resolver404:
        return
    filed = world.fields.setdefault(route, {})
    for name, values in fields.items():
        if name in NOT_FUZZED_FIELDS:
            continue
        kept = filed.setdefault(name, [])
        kept.extend(value for value in values if value not in kept)
        known.update(values)


def dict_of_lists(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in pairs:
        result.setdefault(name, []).append(value)
    return result
