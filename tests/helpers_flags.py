"""Helpers shared by the flag tests (tests/test_flags_*.py). Their `comment` fixture is in
tests/conftest.py."""

from cases import services
from tests.factories import UserFactory


def flag(user, comment, reason="unkind", note=""):
    return services.flag_comment(user=user, comment=comment, reason=reason, note=note)


def flag_by_people(comment, reasons):
    """Flags from as many new people as there are reasons."""
    return [
        flag(UserFactory(username=f"flagger-{comment.pk}-{i}"), comment, reason)
        for i, reason in enumerate(reasons)
    ]
