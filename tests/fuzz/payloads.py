"""What the fuzz sends: hostile text, and form data built from the fields a page really has."""

from __future__ import annotations

from hypothesis import strategies as st

# Names the views and the admin read, whether or not a page shows them as fields.
COMMON_KEYS = (
    "q",
    "page",
    "sort",
    "category",
    "order",
    "next",
    "action",
    "reason",
    "note",
    "body",
    "parent",
    "choice",
    "condition",
    "comment",
    "value",
    "duration",
    "o",
    "p",
    "e",
    "_changelist_filters",
    "_selected_action",
    "select_across",
    "index",
    "post",
    "apply",
    "_popup",
    "_to_field",
    "perspective",
    "votes",
    "comments",
    "state",
    "status",
)

# Text that broke, or could break, something: NULs, digits int() refuses, huge numbers, paths
# and URLs for `next`, names that reverse() would look up, markup, very long strings.
NASTY = (
    "",
    " ",
    "\x00",
    "ab\x00cd",
    "%00",
    "²",
    "٣",
    "①",
    "0",
    "-1",
    "1.5",
    "1e9",
    "9" * 30,
    str(2**63),
    "-" + str(2**63),
    "../",
    "../../etc/passwd",
    "%",
    "%ZZ",
    "%FF",
    "%C0%AF",
    "a" * 5000,
    "é" * 400,
    "😀",
    "\u202e",
    "\ufeff",
    "\r\n",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\\",
    "null",
    "None",
    "true",
    "NaN",
    "javascript:alert(1)",
    "//example.org",
    "https://example.org/",
    "/\\example.org",
    "list",
    "cases:list",
    "account_login",
    "admin:index",
    "/cases/",
    "?",
    "#",
    "&",
    "=",
    "+",
)


# What a person might type into an empty field.
PLAIN = st.sampled_from(
    ("A plain sentence, long enough for any minimum.", "1", "2015", "https://example.org/a")
)


TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


def fuzz_text() -> st.SearchStrategy[str]:
    return _fuzz_text()


@st.composite
def _fuzz_text(draw) -> str:
    """Any text three times in eight, hostile text three times, a number once, and once a
    text with a NUL inside (PostgreSQL refuses those): often enough to hit every lookup, rare
    enough that most requests get past the middleware's 400."""
    kind = draw(st.integers(0, 7))
    if kind <= 2:
        return draw(TEXT)
    if kind <= 5:
        return draw(st.sampled_from(NASTY))
    if kind == 6:
        return str(draw(st.integers(min_value=-(10**20), max_value=10**20)))
    return draw(TEXT) + "\x00" + draw(TEXT)


@st.composite
def form_data(
    draw, offered: dict[str, list[str]] | None, fields: dict[str, list[str]], known: list[str]
) -> dict[str, list[str]]:
    """A form a page offers, with every field at a value the page offers (or plain text) and
    up to two of them fuzzed or left out; or, without one, common names and fuzz. Then a few
    more names. `fields`: every value the pages show for each name, `known`: every real one."""
    data: dict[str, list[str]] = {}
    names = sorted(offered or {})
    changed = set()
    if names:
        for _ in range(draw(st.integers(0, 2))):
            changed.add(draw(st.sampled_from(names)))
    for name in names:
        if name not in changed:
            data[name] = [draw(st.sampled_from(offered[name]) if offered[name] else PLAIN)]
        elif draw(st.integers(0, 3)):  # fuzzed three times in four, else left out
            data[name] = draw(values(fields.get(name, []), known))
    extra = st.sampled_from(COMMON_KEYS)
    if fields:
        extra = st.one_of(extra, st.sampled_from(sorted(fields)))
    for _ in range(draw(st.integers(0, 1 if offered else 3))):
        name = draw(st.one_of(extra, fuzz_text()))
        data[name] = draw(values(fields.get(name, []), known))
    return data


@st.composite
def values(draw, real: list[str], known: list[str]) -> list[str]:
    """Usually one value, sometimes none or several; each fuzz half the time, else a value
    the pages show for this field, or any real value."""
    count = draw(st.sampled_from((1, 1, 1, 0, 2, 3)))
    drawn = []
    for _ in range(count):
        kind = draw(st.integers(0, 3))
        if kind == 2 and real:
            drawn.append(draw(st.sampled_from(real)))
        elif kind == 3 and known:
            drawn.append(draw(st.sampled_from(known)))
        else:
            drawn.append(draw(fuzz_text()))
    return drawn
