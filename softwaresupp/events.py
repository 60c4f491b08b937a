"""Writing to and reading from the one event log."""

from django.contrib.contenttypes.models import ContentType

from softwaresupp.models import Event


def _display(value) -> str | None:
    if value is None:
        return None
    return str(value)


def event_record(
    *, actor, target, verb: str, changes: dict | None = None, organization=None, note: str = ""
) -> Event:
    """Append one event; ``changes`` is ``{field: (from, to)}``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return Event.objects.create(
        actor=actor,
        organization=organization,
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        verb=verb,
        changes={k: [_display(a), _display(b)] for k, (a, b) in (changes or {}).items()},
        note=note,
    )


def changes_apply(obj, values: dict) -> dict:
    """Set each field of ``obj`` to its new value; the ``{field: (from, to)}`` of those that
    differ, ready for ``event_record`` and ``save(update_fields=…)``."""
    changes = {}
    for field, value in values.items():
        before = getattr(obj, field)
        if before != value:
            setattr(obj, field, value)
            changes[field] = (before, value)
    return changes


def related_names_set(manager, objects) -> tuple[str, str] | None:
    """Set a many-to-many relation to ``objects``; the ``(from, to)`` of their names, for
    ``event_record``, or None when nothing changed."""
    before = {str(obj) for obj in manager.all()}
    after = {str(obj) for obj in objects}
    if before == after:
        return None
    manager.set(objects)
    return ", ".join(sorted(before)), ", ".join(sorted(after))


def event_list_for(target):
    """The history of one object, newest first."""
    return Event.objects.filter(
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
    ).select_related("actor")
