from django.contrib.auth.models import AbstractUser
from django.urls import reverse


class User(AbstractUser):
    """The site's user; custom from the first migration so fields can be added later."""

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"username": self.username})
