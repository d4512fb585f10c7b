"""The objects the fuzz acts on, the people it acts as, and what their pages ask for.

One world per test module (tests/test_fuzz.py keeps it in a transaction it rolls back at the
end); every example runs in a savepoint of its own that is rolled back too, so that no example
sees what another one wrote (a deleted user, a logged-out session, a suspension).
"""

from __future__ import annotations

import importlib
import os
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from cases import services
from cases.models import Case, Flag, GroupCaseShare, ModerationLog, OpinionGroup, OpinionGroupRun
from tests.factories import CaseFactory, CategoryFactory, CommentFactory, UserFactory
from tests.fuzz.scan import Offer, scan
from tests.fuzz.urls import Endpoint, Slot

ROLES = ("anonymous", "member", "curator", "superuser")


class World:
    """The people (by role) and their sessions, the real values for each URL slot, and what
    the pages offer (tests/fuzz/scan.py fills `offers`, `fields` and `known`). Not a
    dataclass: Hypothesis would print every field of it with each failing example."""

    def __init__(self, users: dict[str, User], values: dict[str, list[str]], models: list[type]):
        self.users = users
        self.sessions = {role: _session_key(person) for role, person in users.items()}
        self.values = values  # slot name -> real values (slugs, usernames, ids…)
        self.pks = {model: _pks(model._default_manager.all()) for model in models}
        self.history_pks = {
            model: _pks(model.history.all()) for model in models if hasattr(model, "history")
        }
        self.offers: dict[str, list[Offer]] = {}  # route -> forms and links going there
        self.fields: dict[str, dict[str, list[str]]] = {}  # route -> name -> values seen
        self.known: list[str] = []  # every real value seen
        self._clients: dict[str, Client] = {}

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
        """The role's client, logged in (or not) afresh: only the role's session cookie, none
        that an earlier request set. One client per role, as each new one would load the
        middleware again (whitenoise reads every static file then). CSRF checks are off, as
        in every test client; exceptions come back as 500s, not raised."""
        if role not in self._clients:
            self._clients[role] = Client(raise_request_exception=False)
        client = self._clients[role]
        client.cookies = SimpleCookie()
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
    services.cast_vote(user=member, case=published, choice="yes")  # with the tallies
    services.cast_vote(user=other, case=published, choice="no")
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

    # Two opinion groups, one with its answers on the published case (/groups/, the label forms).
    run = OpinionGroupRun.objects.create(
        k=2, readers=24, cases=1, votes=24, silhouette=0.5, seconds=0.1
    )
    groups = [
        OpinionGroup.objects.create(run=run, number=n, size=12, centre_x=n - 1.5, centre_y=0.0)
        for n in (1, 2)
    ]
    GroupCaseShare.objects.create(
        group=groups[0], case=published, votes_yes=10, votes_no=2, place=1
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
        "group_id": [str(group.pk) for group in groups],
    }
    world = World(users, values, _admin_models(endpoints))
    scan(world, endpoints)
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
