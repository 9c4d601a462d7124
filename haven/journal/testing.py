"""Test helpers of the journal (the access matrix makes one entry per centre with these)."""

from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.factories import ClientFactory, UserFactory
from haven.guidance.models import Track
from haven.journal.models import Entry


def make_entry(centre: Centre, **fields: object) -> Entry:
    """A saved psychosocial entry in ``centre``, for the whole team unless told otherwise.

    For the whole team so that every role reading guidance may open it (the matrix expects
    them to); the need-to-know per track is tested in haven/journal/tests.
    """
    values: dict[str, object] = {
        "track": Track.PSYCHOSOCIAL,
        "text": "Talked about the week; sleeping better.",
        "whole_team": True,
    }
    values.update(fields)
    if "client" not in values:
        values["client"] = ClientFactory(centre=centre)
    if "author" not in values:
        values["author"] = UserFactory(centre=centre, role=Role.PSYCHOSOCIAL)
    return Entry.objects.create(centre=centre, **values)
