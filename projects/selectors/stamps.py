"""Reads of the board stamps (``projects.BoardStamp``) by pages other than the board."""

import hashlib

from django.db.models import OuterRef, Subquery

from projects.models import BoardStamp


def board_stamps_digest(projects) -> str:
    """One digest of the board stamps of ``projects`` (a queryset), in one query. It changes
    when anything shown on any of their boards changes (tasks, hours, sprints, names…), and
    when the set of projects does (a membership gained or lost). A project with no stamp
    yet counts as such: its first change creates one, which changes the digest."""
    token = BoardStamp.objects.filter(project_id=OuterRef("pk")).values("token")
    stamps = projects.order_by("pk").annotate(stamp=Subquery(token)).values_list("pk", "stamp")
    return hashlib.blake2b(repr(list(stamps)).encode(), digest_size=16).hexdigest()
