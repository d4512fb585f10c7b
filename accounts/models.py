from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The site's user; custom from the first migration so fields can be added later."""

    class Perspective(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        MANAGER = "manager", _("Manager or owner")
        CONTRACTOR = "contractor", _("Contractor or freelancer")
        CUSTOMER = "customer", _("Customer")
        OTHER = "other", _("Other")

    perspective = models.CharField(
        _("how you mostly look at outsourcing"),
        max_length=12,
        choices=Perspective.choices,
        blank=True,
    )

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"username": self.username})
