"""Forms of the hindsight question and of the curators' outcome updates."""

from django import forms
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OutcomeUpdate, Vote
from cases.translations import reader_language


class HindsightVoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Knowing what happened, did it make sense?"),
        choices=Vote.Choice.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pick an answer."),
            "invalid_choice": _("“%(value)s” is not an answer: use yes, no or depends."),
        },
    )


def _form_field(field, **kwargs):
    """The model's form fields, links assumed https (Django 6's default) when typed bare."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OutcomeUpdateForm(forms.ModelForm):
    """What happened next, its date and its source; the service checks it all again."""

    class Meta:
        model = OutcomeUpdate
        formfield_callback = _form_field
        fields = ["happened_on", "text", "source_title", "source_url", "language"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "happened_on": {
                "required": _("Give the date it happened."),
                "invalid": _("Give the date as YYYY-MM-DD."),
            },
            "text": {"required": _("Say what happened.")},
            "source_title": {"required": _("Name the source that reports it.")},
            "source_url": {"invalid": _("The link to the source is not a web address.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("language", _reader_language())
        super().__init__(*args, **kwargs)

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise forms.ValidationError(
                _("That date is in the future: add what has happened, not what is expected.")
            )
        return happened_on


def _reader_language() -> str:
    language = reader_language()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class RemoveOutcomeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why remove it?"),
        required=False,
        max_length=settings.TEXT_LIMITS["reason"],
        error_messages={"max_length": _("Say it in at most %(limit_value)d characters.")},
    )
