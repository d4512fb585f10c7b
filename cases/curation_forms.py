"""Forms of the curators' review queue and case tools."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cases.models import Case


class DecisionNoteForm(forms.Form):
    """A note for publish (optional), send back and reject (required by the service)."""

    note = forms.CharField(
        label=_("Note to the proposer"),
        required=False,
        max_length=settings.TEXT_LIMITS["decision_note"],
        widget=forms.Textarea,
    )


class CloseCaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why close the discussion?"),
        max_length=settings.TEXT_LIMITS["reason"],
        help_text=_("e.g. “verdict final”; readers see it on the case."),
        error_messages={"required": _("Say why the discussion is closed.")},
    )


class FactorsForm(forms.ModelForm):
    """The rule of thumb's inputs; “not judged” stays empty."""

    class Meta:
        model = Case
        fields = ["frequency", "name_on_service", "customer_data_shared", "rare_expertise"]
        widgets = {
            "name_on_service": forms.NullBooleanSelect,
            "customer_data_shared": forms.NullBooleanSelect,
            "rare_expertise": forms.NullBooleanSelect,
        }
