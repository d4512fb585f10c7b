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


def fuzz_text() -> st.SearchStrategy[str]:
    # NUL only from NASTY: rare enough that most requests get past the middleware's 400.
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
    )


@st.composite
def form_data(draw, fields: dict[str, list[str]], known: list[str]) -> dict[str, list[str]]:
    """Often the page's own form: every field with a value the page offers (or plain text),
    up to three of them fuzzed or left out; then a few other names (common ones or fuzz), with
    real values of the world or fuzz."""
    data: dict[str, list[str]] = {}
    names = sorted(fields)
    if names and draw(st.booleans()):
        changed = draw(st.sets(st.sampled_from(names), max_size=3))
        for name in names:
            if name not in changed:
                offered = st.sampled_from(fields[name]) if fields[name] else PLAIN
                data[name] = [draw(offered)]
            elif draw(st.booleans()):
                data[name] = draw(_values(fields[name], known))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.one_of(st.sampled_from(COMMON_KEYS), fuzz_text()))
        data[name] = draw(_values(fields.get(name, []), known))
    return data


def _values(real: list[str], known: list[str]) -> st.SearchStrategy[list[str]]:
    options = [fuzz_text()]
    if known:
        options.append(st.sampled_from(known))
    if real:
        options.insert(0, st.sampled_from(real))
    value = st.one_of(*options)
    return st.one_of(value.map(lambda one: [one]), st.lists(value, min_size=0, max_size=3))
