from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The site's user; custom from the first migration so fields can be added later."""

    class Perspective(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        MANAGER = "manager", _("Manager or owner")
        CONTRACTOR = "contractor", _("Contractor or freelancer")
        CUSTOMER = "customer", _("Customer")
        OTHER = "other", _("Other")

    # The language of the site's pages and emails for this person; blank: not chosen yet, the
    # browser's (Accept-Language, the language cookie) counts (accounts/languages.py).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    perspective = models.CharField(
        _("how you mostly look at outsourcing"),
        max_length=12,
        choices=Perspective.choices,
        blank=True,
    )

    # Suspension: a suspended person can read but not vote, comment, flag or propose.
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    suspended_permanently = models.BooleanField(_("suspended permanently"), default=False)
    suspension_reason = models.CharField(
        _("why suspended"), max_length=settings.TEXT_LIMITS["reason"], blank=True
    )

    @property
    def is_suspended(self) -> bool:
        if self.suspended_permanently:
            return True
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"username": self.username})
