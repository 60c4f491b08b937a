"""Writes for people: their details and their access to the platform."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import User
from softwaresupp.events import event_record


@transaction.atomic
def user_update(
    *, actor: User, user: User, first_name: str, last_name: str, time_zone: str
) -> User:
    if actor.pk != user.pk and not actor.is_staff:
        raise PermissionDenied
    changes = {}
    for field, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("time_zone", time_zone),
    ):
        if getattr(user, field) != value:
            changes[field] = (getattr(user, field), value)
            setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(changes) or None)
    if changes:
        event_record(actor=actor, target=user, verb="updated", changes=changes)
    return user
