from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class PerspectiveForm(forms.ModelForm):
    """How the person mostly looks at outsourcing; optional, changeable at any time."""

    perspective = forms.ChoiceField(
        label=_("How do you mostly look at outsourcing?"),
        choices=[("", _("Rather not say")), *User.Perspective.choices],
        required=False,
        help_text=_("Optional. Shown on your profile and counted in each case's verdict."),
        error_messages={"invalid_choice": _("“%(value)s” is not one of the perspectives.")},
    )

    class Meta:
        model = User
        fields = ["perspective"]
