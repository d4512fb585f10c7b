"""The systematic half of the fuzz: every slot of every endpoint, and every field of the forms
and links the pages offer for it, set in turn to each hostile value, for every role. Hypothesis
draws its examples unevenly (it repeats and mutates what it drew); this makes sure that each
lookup meets a NUL, a "²" and the like at least once."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

from tests.fuzz.urls import Endpoint, Slot
from tests.fuzz.world import ROLES, World

HOSTILE_SLOTS = ("ab\x00cd", "²", "a" * 1000, "%", "../x")
HOSTILE_FIELDS = ("ab\x00cd", "²")
STAFF = ("curator", "superuser")


def requests(world: World, endpoint: Endpoint) -> Iterator[dict]:
    # The admin sends everyone but the staff to its login page before it reads anything else.
    roles = STAFF if endpoint.route.startswith("admin/") else ROLES
    for path, method, data in _slot_variants(world, endpoint) + _field_variants(world, endpoint):
        for role in roles:
            yield {
                "role": role,
                "method": method,
                "htmx": False,
                "multipart": False,
                "path": path,
                "data": data,
            }


def _slot_variants(world: World, endpoint: Endpoint) -> list[tuple[str, str, dict]]:
    slots = [part for part in endpoint.parts if isinstance(part, Slot)]
    variants = []
    for hostile_slot in slots:
        for value in HOSTILE_SLOTS:
            parts = []
            for part in endpoint.parts:
                if isinstance(part, str):
                    parts.append(part)
                elif part is hostile_slot:
                    parts.append(quote(value, safe=""))
                else:
                    parts.append((world.real(endpoint, part) or ["1"])[0])
            path = "/" + "".join(parts)
            variants += [(path, "GET", {}), (path, "POST", _first_form(world, endpoint))]
    return variants


def _field_variants(world: World, endpoint: Endpoint) -> list[tuple[str, str, dict]]:
    variants = []
    for method in ("GET", "POST"):
        offers = [o for o in world.offers.get(endpoint.route, []) if o.method == method]
        if not offers:
            continue
        offer = offers[0]
        names = sorted({name for other in offers for name in other.fields})
        base = {name: values[:1] for name, values in offer.fields.items() if values}
        for name in names:
            for value in HOSTILE_FIELDS:
                variants.append((offer.path, method, {**base, name: [value]}))
    return variants


def _first_form(world: World, endpoint: Endpoint) -> dict:
    for offer in world.offers.get(endpoint.route, []):
        if offer.method == "POST":
            return {name: values[:1] for name, values in offer.fields.items() if values}
    return {}
