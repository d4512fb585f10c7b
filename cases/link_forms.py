"""The curator's form that links a case to a related one (cases/views/links.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.models.judgement import LINK_NOTE_MAX
from outsourcing.i18n import site_languages

ADDRESS_MAX = 500
NO_CASE = _("No published case at that address.")


class LinkCaseForm(forms.Form):
    """`other`: the related case's address on this site (a path such as /cases/some-slug/, a
    full URL of this site) or its slug; cleaned to the published Case. `note` in `language`;
    `translation`, optional: the note in the site's other language (cleaned_data
    "translations": {"de": "…"})."""

    other = forms.CharField(
        label=_("The related case"),
        max_length=ADDRESS_MAX,
        help_text=_("Its address on this site, e.g. /cases/some-case/, or just some-case."),
        error_messages={"required": _("Name the case to link.")},
    )
    note = forms.CharField(
        label=_("What differs"),
        max_length=LINK_NOTE_MAX,
        help_text=_("e.g. “one-off survey vs permanent care”; readers see it on both cases."),
        error_messages={
            "required": _("Say what differs between the two cases."),
            "max_length": _("Say it in at most %(limit_value)d characters."),
        },
    )
    language = forms.ChoiceField(
        label=_("Language of the note"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("“%(value)s” is not a language of this site.")},
    )
    translation = forms.CharField(
        label=_("The note in the other language (optional)"),
        required=False,
        max_length=LINK_NOTE_MAX,
        error_messages={"max_length": _("Say it in at most %(limit_value)d characters.")},
    )

    def __init__(self, *args, hosts: set[str] | frozenset[str] = frozenset(), **kwargs) -> None:
        """`hosts`: the host names a full URL may name (this request's, SITE_URL's)."""
        super().__init__(*args, auto_id="link-%s", **kwargs)
        self.hosts = {urlsplit(settings.SITE_URL).netloc, *hosts}

    def clean_other(self) -> Case:
        slug = self._slug(self.cleaned_data["other"].strip())
        other = Case.objects.published().filter(slug=slug).first() if slug else None
        if other is None:
            raise forms.ValidationError(NO_CASE)
        return other

    def _slug(self, address: str) -> str:
        """The case slug an address names, or "" when it names none."""
        parts = urlsplit(address)
        if parts.scheme or parts.netloc:
            if parts.scheme not in ("http", "https") or parts.netloc not in self.hosts:
                return ""
            path = parts.path
        elif "/" in address:
            path = "/" + parts.path.lstrip("/")
        else:
            return address
        try:
            match = resolve(path if path.endswith("/") else f"{path}/")
        except Resolver404:
            return ""
        return match.kwargs.get("slug", "") if match.view_name == "cases:detail" else ""

    def clean(self) -> dict:
        data = super().clean()
        translation = data.get("translation", "").strip()
        others = [code for code in site_languages() if code != data.get("language")]
        data["translations"] = {others[0]: translation} if translation and others else {}
        return data


class UnlinkCaseForm(forms.Form):
    """Removing a link: the curator's reason, optional, kept in the log."""

    reason = forms.CharField(
        label=_("Why remove it? (optional)"),
        required=False,
        max_length=settings.TEXT_LIMITS["reason"],
    )
