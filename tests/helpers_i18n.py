"""What tests/test_i18n_coverage.py checks with: a .po reader, and scanners for English left
outside {% translate %} in templates and outside gettext in Python."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import DebugLexer, TokenType

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = BASE_DIR / "templates"
# The code that shows text to readers (tests, scripts and the benchmark do not).
PYTHON_DIRS = ["accounts", "cases", "outsourcing"]
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq")


# --- reading a catalogue ------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)  # "#: path:line" comments
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # gettext's escapes are a subset of Python's


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po/.pot file (the header, msgid "", left out)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target = ""  # the keyword that continuation lines ("…") add to
    flags: set[str] = set()
    references: list[str] = []

    def finish():
        nonlocal current
        if current is not None and current.msgid:
            entries.append(current)
        current = None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        obsolete = raw.startswith("#~")
        line = raw[2:].strip() if obsolete else raw.strip()
        if obsolete and line.startswith("|"):
            continue  # an obsolete entry's previous msgid
        if not line or (raw.startswith("#") and not obsolete):
            if raw.startswith("#,"):
                flags |= {flag.strip() for flag in raw[2:].split(",")}
            elif raw.startswith("#:"):
                references.extend(raw[2:].split())
            elif not line:
                finish()
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            name = target
            text = _unquote(line)
        else:
            text = _unquote(rest)
            if keyword == "msgctxt" or (keyword == "msgid" and current and current.msgstr):
                finish()
            if current is None:
                current = Entry(msgid="", flags=flags, references=references, line=number)
                current.obsolete = obsolete
                flags, references = set(), []
            name = target = "msgstr" if re.fullmatch(r"msgstr(\[\d+\])?", keyword) else keyword
            if name == "msgstr":
                current.msgstr.append("")
        if name == "msgstr":
            current.msgstr[-1] += text
        elif name == "msgid":
            current.msgid += text
        elif name == "msgid_plural":
            current.msgid_plural = (current.msgid_plural or "") + text
        elif name == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + text
    finish()
    return entries


def the_catalogue(language: str) -> Path:
    """Where `makemessages -l <language>` writes: the first of LOCALE_PATHS."""
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


# --- (b) no English outside {% translate %} -------------------------------------------------------

# Attributes that people read or hear (screen readers), and the button-like inputs' value.
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-placeholder",
    "aria-roledescription",
    "aria-valuetext",
    "label",
    "data-hx-confirm",
    "hx-confirm",
    "data-hx-prompt",
    "hx-prompt",
}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Words that are the same in every language, so need no translation: a brand or product
# name, a unit. Symbols ("·", "→", "%", "✓") have no letters and pass anyway. Nothing needs
# an exception yet (the site's name is translated: "Outsourcing-Urteile").
ALLOWED_WORDS: set[str] = set()
# A word: two or more letters, so that a lone symbol-like letter is not taken for English.
WORD = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = "\x00"  # what a {{ variable }} or {% tag %} prints: not text of ours
# Filters whose literal argument may be printed instead of the value.
SHOWN_LITERAL = re.compile(r"""\|(?:default|default_if_none|yesno):(["'])(.*?)\1""")
TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SILENT_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}


def template_text(source: str) -> str:
    """The template as the browser would get it, with every variable and tag printed as a
    placeholder and the text inside blocktranslate and comments blanked; line breaks stay,
    so that lines still match the file."""
    parts = []
    closing = None
    for token in DebugLexer(source).tokenize():
        start, end = token.position
        raw = source[start:end]
        newlines = "\n" * raw.count("\n")
        name = token.contents.split()[0] if token.token_type == TokenType.BLOCK else ""
        if closing:
            if name == closing:
                closing = None
            parts.append(newlines)
        elif token.token_type == TokenType.TEXT:
            parts.append(raw)
        elif token.token_type == TokenType.COMMENT:
            parts.append(newlines)
        elif token.token_type == TokenType.VAR:
            # {{ note|default:"none" }} prints English: the literal lands where the tag is
            shown = " ".join(match.group(2) for match in SHOWN_LITERAL.finditer(token.contents))
            parts.append(PLACEHOLDER + shown.replace(",", " ") + newlines)
        elif name in TRANSLATED_BLOCKS or name in SILENT_BLOCKS:
            closing = TRANSLATED_BLOCKS.get(name) or SILENT_BLOCKS[name]
            parts.append(newlines if name in SILENT_BLOCKS else PLACEHOLDER + newlines)
        else:
            parts.append(PLACEHOLDER + newlines)
    return "".join(parts)


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._raw_text = 0  # inside <script> or <style>

    def _check(self, text: str, line: int) -> None:
        words = WORD.findall(text)
        if words and not set(words) <= ALLOWED_WORDS:
            first = WORD.search(text)
            self.found.append((line + text[: first.start()].count("\n"), text.strip()))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._raw_text += 1
        values = dict(attrs)
        line = self.getpos()[0]
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in BUTTON_INPUTS
            )
            if visible and value:
                self._check(value, line)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._raw_text -= 1

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._raw_text = max(0, self._raw_text - 1)

    def handle_data(self, data):
        if not self._raw_text:
            self._check(data, self.getpos()[0])


def untranslated_text(source: str) -> list[tuple[int, str]]:
    parser = _VisibleText()
    # A tag whose name a template tag picks (`<{% if href %}a{% else %}button{% endif %}`)
    # is still a tag: named here, so that what follows is read as its attributes.
    parser.feed(
        re.sub(f"<(/?){PLACEHOLDER}", rf"<\1template-tag {PLACEHOLDER}", template_text(source))
    )
    parser.close()
    return [(line, text.replace(PLACEHOLDER, "…")) for line, text in parser.found]


GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
MESSAGE_FUNCTIONS = {"success", "info", "warning", "error", "debug"}
SHOWN_ERRORS = {"ValidationError", "PermissionDenied", "BadRequest"}
SHOWN_KEYWORDS = {"label", "help_text", "empty_label", "verbose_name", "verbose_name_plural"}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def is_bare_text(node: ast.AST | None) -> bool:
    """A str literal with a word in it, or one built into a string (f-string, %, +, .format),
    not passed through gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(WORD.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(is_bare_text(value) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return is_bare_text(node.left) or is_bare_text(node.right)
    if isinstance(node, ast.Call) and _name(node.func) == "format":
        return is_bare_text(getattr(node.func, "value", None))
    return False


def _argument(call: ast.Call, index: int, keyword: str) -> ast.AST | None:
    for item in call.keywords:
        if item.arg == keyword:
            return item.value
    return call.args[index] if len(call.args) > index else None


def bare_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of strings shown to people without gettext."""
    found = []

    def flag(node):
        if is_bare_text(node):
            found.append((node.lineno, ast.unparse(node)))

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name = _name(node.func)
            owner = _name(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            if owner == "messages" and name in MESSAGE_FUNCTIONS:
                flag(_argument(node, 1, "message"))
            elif owner == "messages" and name == "add_message":
                flag(_argument(node, 2, "message"))
            elif name in SHOWN_ERRORS:
                flag(_argument(node, 0, "message"))
            elif owner == "admin" and name in ("display", "action"):
                flag(_argument(node, 99, "description"))
            elif name == "refuse":  # cases/http.py: the reason is the refusal page's text
                flag(_argument(node, 1, "reason"))
            elif name == "add_error":
                flag(_argument(node, 1, "error"))
            for keyword in node.keywords:
                if keyword.arg in SHOWN_KEYWORDS:
                    flag(keyword.value)
                elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                    for value in keyword.value.values:
                        flag(value)
                elif keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                    for choice in keyword.value.elts:
                        if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                            flag(choice.elts[1])
        elif isinstance(node, ast.Assign) and any(
            _name(target) in ("verbose_name", "verbose_name_plural") for target in node.targets
        ):
            flag(node.value)
        elif isinstance(node, ast.ClassDef) and any(
            _name(base).endswith("Choices") for base in node.bases
        ):
            for item in node.body:  # YES = "yes", "Made sense": the label is shown
                if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple):
                    flag(item.value.elts[-1])
    return sorted(found)


def python_files():
    for directory in PYTHON_DIRS:
        for path in sorted((BASE_DIR / directory).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path
