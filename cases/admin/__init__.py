"""The curators' tools. Writes that matter (status, hiding) go through cases.services."""

from cases.admin import cases, discussion  # noqa: F401 - registers the model admins
