"""What the site's own pages offer: every form (its fields, their values and options) and
every link, filed under the route it goes to. The fuzz starts from these: a real form with a
field or two changed reaches much further into a view than random names do."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.urls import Resolver404, resolve

if TYPE_CHECKING:
    from tests.fuzz.urls import Endpoint
    from tests.fuzz.world import World

# Roles whose pages are read: the curator sees a part of what the superuser sees.
SCANNED_ROLES = ("anonymous", "member", "superuser")
NOT_FUZZED_FIELDS = {"csrfmiddlewaretoken"}
MAX_OFFERS = 40  # per route (an admin list has a link for every filter value)


@dataclass(frozen=True)
class Offer:
    """A form or link as a page offers it: where it goes, how, and with what."""

    path: str
    method: str
    fields: dict[str, list[str]]


class _PageScanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []  # (action, method, fields)
        self.links: list[tuple[str, str]] = []  # (url, method)
        self.loose: dict[str, list[str]] = {}  # fields outside any form
        self._fields: dict[str, list[str]] | None = None
        self._options: list[str] | None = None
        self._text: list[str] | None = None  # a textarea's content, while in one
        self._text_values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = found.get("hx-post") or found.get("hx-get") or found.get("action", "")
            post = "hx-post" in found or found.get("method", "").lower() == "post"
            self._fields = {}
            self.forms.append((action, "POST" if post else "GET", self._fields))
        else:
            for attribute, method in (("href", "GET"), ("hx-get", "GET"), ("hx-post", "POST")):
                if found.get(attribute):
                    self.links.append((found[attribute], method))
        if tag in {"input", "textarea", "select", "button"} and found.get("name"):
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


def scan(world: World, endpoints: list[Endpoint]) -> None:
    """GET every endpoint (with real values) as each scanned role and file what it offers."""
    known: set[str] = set()
    for values in [*world.values.values(), *world.pks.values(), *world.history_pks.values()]:
        known.update(values)
    for endpoint in endpoints:
        page = world.first_path(endpoint)
        if page is None:
            continue
        _offer(world, page, "GET", {}, known)
        for role in SCANNED_ROLES:
            response = world.client(role).get(page)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            scanner = _PageScanner()
            scanner.feed(response.content.decode(errors="replace"))
            _offer(world, page, "POST", scanner.loose, known)
            for action, method, fields in scanner.forms:
                _offer(world, urljoin(page, action), method, fields, known)
            for link, method in scanner.links:
                _offer(world, urljoin(page, link), method, {}, known)
    world.known = sorted(known)


def _offer(world: World, url: str, method: str, fields: dict, known: set[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
        return
    try:
        route = resolve(parts.path).route
    except Resolver404:
        return
    fields = {name: values for name, values in fields.items() if name not in NOT_FUZZED_FIELDS}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        fields.setdefault(name, []).append(value)
    merged = world.fields.setdefault(route, {})
    for name, values in fields.items():
        kept = merged.setdefault(name, [])
        kept.extend(value for value in values if value not in kept)
        known.update(values)
    offers = world.offers.setdefault(route, [])
    offer = Offer(parts.path, method, fields)
    if offer not in offers and len(offers) < MAX_OFFERS:
        offers.append(offer)
