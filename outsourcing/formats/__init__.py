"""How dates and numbers are written, per language; settings.py imports the two settings here.

Every template and message names a format (`|date:"DATE_FORMAT"`, `date_format(…,
"DATETIME_FORMAT")`), never a pattern, so each language keeps its own order: German uses
Django's own formats ("29. November 2026", "29.11.2026 14:05"); English uses ours in
outsourcing/formats/en/ ("29 November 2026", "29 Nov 2026, 14:05"), not Django's American ones.

Counts get the language's thousands separator ("1,234 votes", "1.234 Stimmen"), also in
`{% blocktranslate count %}`. Numbers that are not read by people (ids and lengths in
attributes, URLs, hidden inputs, SVG coordinates) are written with `|unlocalize` or inside
`{% localize off %}`; `{% url %}` and form widgets never localise.
"""

FORMAT_MODULE_PATH = ["outsourcing.formats"]
USE_THOUSAND_SEPARATOR = True
