"""The curator's form that names an opinion group (cases/views/groups.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models.groups import GROUP_LABEL_MAX


class GroupLabelForm(forms.Form):
    """`label`: the group's name; empty, the automatic label shows again."""

    label = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=GROUP_LABEL_MAX,
        help_text=_("e.g. “cost first”; empty: the automatic label."),
        error_messages={"max_length": _("Say it in at most %(limit_value)d characters.")},
    )
