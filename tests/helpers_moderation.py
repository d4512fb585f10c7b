"""Values shared by tests/test_suspensions.py and tests/test_moderation_log.py."""

from django.urls import reverse

LOG_URL = reverse("cases:moderation_log")
REASON = "Insulted three people in one evening."
