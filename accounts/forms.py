from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import DigestPreference, Notification, User


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


class SignupForm(allauth_forms.SignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS), telling every password problem at once.

    allauth compares the two passwords only while the first one passes the validators (their
    error takes it out of cleaned_data), so "at least 12 characters" came first and "not the
    same password" only on the next try. Here the validators' errors are added after allauth's
    comparison: both show together, each in allauth's own words."""

    def clean(self) -> dict:
        held_back = []
        add_error = self.add_error
        self.add_error = lambda field, error: (
            held_back.append(error) if field == "password1" else add_error(field, error)
        )
        try:
            cleaned = super().clean()
        finally:
            del self.add_error  # the class's add_error again
        for error in held_back:
            self.add_error("password1", error)
        return cleaned


class DigestForm(forms.Form):
    """How often one kind of notification comes by email (a form per kind on /account/)."""

    kind = forms.ChoiceField(
        choices=Notification.Kind.choices,
        error_messages={"invalid_choice": _("“%(value)s” is not a kind of notification.")},
    )
    frequency = forms.ChoiceField(
        label=_("Email digest"),
        choices=DigestPreference.Frequency.choices,
        error_messages={"invalid_choice": _("“%(value)s” is not a frequency.")},
    )
