"""Every endpoint of the URLconf, found by walking the resolver (the admin's and allauth's
included, nothing listed by hand), and the concrete paths to request: each converter or regex
group filled with a real value of the world or with fuzz."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import strategies as st

from tests.fuzz.payloads import TEXT, fuzz_text

PATH_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
NAMED_GROUP = re.compile(r"\?P<(\w+)>")


@dataclass(frozen=True)
class Slot:
    """A converter or regex group: filled with a real value or with fuzz."""

    name: str
    regex: str
    is_int: bool = False


@dataclass(frozen=True)
class Endpoint:
    route: str  # spelled as ResolverMatch.route spells it
    parts: tuple[str | Slot, ...]
    model: type | None = None  # the ModelAdmin's model, under admin/<app>/<model>/

    @property
    def id(self) -> str:
        return self.route or "(root)"

    @property
    def prefix(self) -> str:
        """The literal start of the path, before the first slot."""
        literal = ""
        for part in self.parts:
            if not isinstance(part, str):
                break
            literal += part
        return literal


class Unsupported(ValueError):
    """A regex this module cannot split into literals and groups."""


def discover() -> list[Endpoint]:
    endpoints: list[Endpoint] = []

    def walk(patterns, route: str, parts: tuple, model: type | None) -> None:
        for entry in patterns:
            here = _join(route, str(entry.pattern))
            more = parts + tuple(_parts(entry.pattern))
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, here, more, _admin_model(entry) or model)
            else:
                endpoints.append(Endpoint(here, _merge(more), model))

    walk(get_resolver().url_patterns, "", (), None)
    return endpoints


@st.composite
def paths(draw, endpoint: Endpoint, real: Callable[[Slot], list[str]], *, fuzz: bool) -> str:
    """Real values in every slot that has some; with `fuzz`, each slot real or fuzz, half and
    half (so that one slot is fuzzed while the others still find their objects)."""
    parts = []
    for part in endpoint.parts:
        if isinstance(part, str):
            parts.append(part)
        elif real(part) and not (fuzz and draw(st.booleans())):
            parts.append(draw(st.sampled_from(real(part))))
        else:
            parts.append(draw(fuzz_slot(part)))
    return "/" + "".join(parts)


def raw_paths(prefixes: list[str]) -> st.SearchStrategy[str]:
    """Whole paths of fuzz below a known prefix: the resolver itself meets NULs, "../", "%"…"""
    segment = st.tuples(fuzz_text(), st.booleans()).map(_encoded)
    return st.tuples(st.sampled_from(prefixes), st.lists(segment, max_size=3)).map(
        lambda drawn: "/" + drawn[0] + "/".join(drawn[1])
    )


@st.composite
def fuzz_slot(draw, slot: Slot) -> str:
    """`<int:…>` gets ints only (its converter 404s the rest). Others: hostile text, encoded
    or raw, half the time; text with a NUL a quarter (a lookup with it is PostgreSQL's 500);
    text their regex matches a quarter."""
    if slot.is_int:
        return str(draw(st.integers(min_value=0, max_value=10**20)))
    kind = draw(st.integers(0, 3))
    if kind == 3:
        alphabet = st.characters(codec="utf-8")
        return quote(draw(st.from_regex(slot.regex, fullmatch=True, alphabet=alphabet)), safe="")
    text = draw(fuzz_text()) if kind < 2 else draw(TEXT) + "\x00" + draw(TEXT)
    return _encoded((text, draw(st.booleans())))


def _encoded(drawn: tuple[str, bool]) -> str:
    """Percent-encoded, or raw: the client then splits at "?" and "#" and decodes "%xx"."""
    value, raw = drawn
    return value if raw else quote(value, safe="")


def _join(route: str, more: str) -> str:
    """As django.urls.resolvers.URLResolver._join_route joins the routes of a match."""
    return more if not route else route + more.removeprefix("^")


def _admin_model(resolver: URLResolver) -> type | None:
    for entry in resolver.url_patterns:
        model_admin = getattr(getattr(entry, "callback", None), "model_admin", None)
        if model_admin is not None:
            return model_admin.model
    return None


def _parts(pattern) -> list[str | Slot]:
    if isinstance(pattern, RoutePattern):
        return _route_parts(str(pattern), pattern.converters)
    if isinstance(pattern, RegexPattern):
        try:
            return _regex_parts(str(pattern))
        except Unsupported:
            return [Slot("", str(pattern).removeprefix("^").removesuffix("$"))]
    raise TypeError(f"No fuzz for URL pattern {pattern!r}")


def _route_parts(route: str, converters: dict) -> list[str | Slot]:
    parts: list[str | Slot] = []
    position = 0
    for match in PATH_PARAMETER.finditer(route):
        parts.append(route[position : match.start()])
        converter = converters[match["name"]]
        is_int = (match["converter"] or "str") == "int"
        parts.append(Slot(match["name"], converter.regex, is_int=is_int))
        position = match.end()
    parts.append(route[position:])
    return [part for part in parts if part != ""]


def _regex_parts(source: str) -> list[str | Slot]:
    """Literals and groups of a simple regex (`^confirm-email/(?P<key>[-:\\w]+)/$`)."""
    source = source.removeprefix("^")
    if source.endswith("$") and not source.endswith("\\$"):
        source = source[:-1]
    parts: list[str | Slot] = []
    literal = ""
    unnamed = 0
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            escaped = source[index + 1 : index + 2]
            if not escaped or escaped.isalnum():
                raise Unsupported(source)
            literal += escaped
            index += 2
        elif char == "(":
            end = _group_end(source, index)
            body = source[index + 1 : end]
            named = NAMED_GROUP.match(body)
            if named:
                name, inner = named[1], body[named.end() :]
            elif body.startswith("?"):
                raise Unsupported(source)
            else:
                unnamed += 1
                name, inner = f"_{unnamed}", body
            if literal:
                parts.append(literal)
                literal = ""
            parts.append(Slot(name, inner))
            index = end + 1
        elif char in ".^$*+?{}[]|)":
            raise Unsupported(source)
        else:
            literal += char
            index += 1
    if literal:
        parts.append(literal)
    return parts


def _group_end(source: str, start: int) -> int:
    depth = 0
    in_class = False
    index = start
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise Unsupported(source)


def _merge(parts: tuple[str | Slot, ...]) -> tuple[str | Slot, ...]:
    """Adjacent literals as one string."""
    merged: list[str | Slot] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    return tuple(merged)
