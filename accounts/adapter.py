"""allauth's account adapter (ACCOUNT_ADAPTER): the person's language on sign-up, on login and
in allauth's emails (address confirmation, password reset, notifications)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import translation

from accounts.languages import activate_language, recipient_language, site_language
from accounts.models import User


def _recipient(email: str, context: dict) -> User | None:
    """The account a mail to `email` goes to, if there is one."""
    user = context.get("user")
    if isinstance(user, User):
        return user
    address = (
        EmailAddress.objects.filter(email__iexact=email)
        .select_related("user")
        .order_by("-primary", "-verified")
        .first()
    )
    if address is not None:
        return address.user
    return User.objects.filter(email__iexact=email).first()


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """A new account keeps the language its owner signed up in."""
        user.language = site_language(translation.get_language())
        return super().save_user(request, user, form, commit=commit)

    def login(self, request, user) -> None:
        """From the login on, the account's language: allauth's "signed in" message too."""
        super().login(request, user)
        language = site_language(getattr(user, "language", ""))
        if language:
            activate_language(request, language)
        elif current := site_language(translation.get_language()):
            # An account from before languages were kept: from now on, the one it reads in.
            User.objects.filter(pk=user.pk, language="").update(language=current)
            user.language = current

    def get_password_change_redirect_url(self, request) -> str:
        """After changing (or setting) the password: back to the account settings, where the
        message "Password successfully changed." shows."""
        return reverse("account_settings")

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Written in the recipient's language, whoever's request sends it. The queued backend
        (outsourcing/mail.py) stores the rendered text, so the worker sends it as written."""
        with translation.override(recipient_language(_recipient(email, context))):
            super().send_mail(template_prefix, email, context)
