"""Nothing a reader sees escapes translation (CI checks):

- every msgid in our templates and Python is in the German catalogue (`makemessages` run on a
  copy of the project, so locale/ is never touched);
- no English is left outside {% translate %} in templates/, human-visible attributes included,
  and no bare string reaches a message, an error or a form label in our Python;
- LANGUAGES names only languages whose catalogue is complete.

The makemessages check needs gettext (xgettext, msgmerge): without it the test is skipped,
unless the environment variable CI is set (then it fails, as tests/test_translations.py does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.helpers_i18n import (
    BASE_DIR,
    GETTEXT_TOOLS,
    TEMPLATES,
    bare_strings,
    python_files,
    read_po,
    the_catalogue,
    untranslated_text,
)

# --- (a) every msgid is in the German catalogue ---------------------------------------------------


@pytest.fixture
def gettext_tools():
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must check the catalogue: install gettext ({', '.join(missing)}).")
        pytest.skip(f"gettext is not installed ({', '.join(missing)})")


def _project_copy(destination: Path) -> Path:
    """What `manage.py makemessages` reads in a checkout: everything but hidden and generated
    files; the catalogues are copied too, so makemessages merges into the copies."""
    ignored = shutil.ignore_patterns(
        ".*", "__pycache__", "*.sqlite3*", "*.egg-info", "staticfiles", "node_modules", "*.mo"
    )
    shutil.copytree(BASE_DIR, destination, ignore=ignored)
    return destination


def test_every_msgid_in_the_code_is_in_the_german_catalogue(gettext_tools, tmp_path):
    copy = _project_copy(tmp_path / "project")
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "outsourcing.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--keep-pot", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    pot = copy / Path(settings.LOCALE_PATHS[0]).relative_to(BASE_DIR) / "django.pot"
    in_code = {entry.key: entry for entry in read_po(pot)}
    in_catalogue = {entry.key for entry in read_po(the_catalogue("de")) if not entry.obsolete}

    missing = [entry for key, entry in in_code.items() if key not in in_catalogue]

    assert not missing, (
        f"{len(missing)} msgid(s) in the code are not in {the_catalogue('de')}: run "
        "`manage.py makemessages -l de`, translate, compile.\n"
        + "\n".join(
            f"  {', '.join(entry.references[:3])}: {entry.msgid!r}"
            + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")
            for entry in missing
        )
    )


def test_the_scanner_finds_english_and_nothing_else():
    source = (
        '{% load i18n %}<p title="Read me">{% translate "Fine" %} · {{ count }}&nbsp;%</p>\n'
        "{% blocktranslate %}Also fine{% endblocktranslate %}{# English #}\n"
        '{% comment %}Notes{% endcomment %}<input type="submit" value="Send">\n'
        '<input type="hidden" name="next" value="back"><img alt="{% translate \'x\' %}">\n'
        "<script>let english = 1;</script><span>{{ n }} votes</span>\n"
        '<p class="{{ css|default:\'mb-2\' }}">{{ note|default:"none" }}'
        '{{ x|default:_("Fine") }}</p>'
    )

    assert untranslated_text(source) == [
        (1, "Read me"),
        (3, "Send"),
        (5, "… votes"),
        (6, "…none…"),
    ]


def test_no_english_outside_translate_in_templates():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for line, text in untranslated_text(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(BASE_DIR)}:{line}: {text!r}")

    assert not found, "Text outside {% translate %}:\n" + "\n".join(found)


def test_the_python_scanner_finds_bare_strings():
    source = (
        "messages.success(request, 'Saved.')\n"
        "messages.error(request, _('Fine.'))\n"
        "raise ValidationError(f'Too long: {n}')\n"
        "raise PermissionDenied(gettext('Fine'))\n"
        "name = forms.CharField(label='Name', help_text=_('Fine'))\n"
        "class Meta:\n    verbose_name = 'thing'\n"
        "raise ValidationError('%(value)s is wrong' % params)\n"
        "raise ValidationError(message)\n"
        "f = forms.ChoiceField(choices=[('a', 'Apple'), ('b', _('Fine'))])\n"
        "class Kind(models.TextChoices):\n    A = 'a', 'Apple'\n    B = 'b', _('Fine')\n"
        "return refuse(request, 'Not now.', status=403)\n"
    )

    assert [line for line, _text in bare_strings(source)] == [1, 3, 5, 7, 8, 10, 12, 14]


def test_no_bare_strings_reach_readers_from_python():
    found = []
    for path in python_files():
        for line, text in bare_strings(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(BASE_DIR)}:{line}: {text}")

    assert not found, "Shown to people without gettext:\n" + "\n".join(found)


# --- (c) LANGUAGES lists only complete catalogues ----------------------------------------------


def test_every_language_offered_has_a_complete_catalogue():
    incomplete = {}
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue  # the source language: the msgids themselves
        catalogue = the_catalogue(code)
        if not catalogue.exists():
            incomplete[code] = [f"no catalogue at {catalogue}"]
            continue
        incomplete[code] = [
            f"{catalogue.relative_to(BASE_DIR)}:{entry.line}: {entry.msgid!r}"
            + (" (fuzzy)" if "fuzzy" in entry.flags else " (untranslated)")
            for entry in read_po(catalogue)
            if not entry.obsolete and ("fuzzy" in entry.flags or not entry.translated)
        ]
        if not catalogue.with_suffix(".mo").exists():
            incomplete[code].append(f"no compiled {catalogue.with_suffix('.mo').name}")
    incomplete = {code: problems for code, problems in incomplete.items() if problems}

    assert not incomplete, "LANGUAGES offers incomplete translations:\n" + "\n".join(
        f"{code}:\n  " + "\n  ".join(problems) for code, problems in incomplete.items()
    )


def test_the_catalogue_reader_sees_plurals_contexts_and_fuzzy(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "A %(x)s"\nmsgstr "Ein %(x)s"\n\n'
        'msgctxt "menu"\nmsgid ""\n"Long "\n"text"\nmsgstr ""\n\n'
        'msgid "%(counter)s vote"\nmsgid_plural "%(counter)s votes"\n'
        'msgstr[0] "%(counter)s Stimme"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "Weg"\n',
        encoding="utf-8",
    )

    entries = read_po(po)

    assert [(e.msgctxt, e.msgid, e.translated) for e in entries] == [
        (None, "A %(x)s", True),
        ("menu", "Long text", False),
        (None, "%(counter)s vote", False),
        (None, "Gone", True),
    ]
    assert "fuzzy" in entries[0].flags
    assert entries[2].msgid_plural == "%(counter)s votes"
    assert [e.obsolete for e in entries] == [False, False, False, True]
