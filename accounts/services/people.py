"""Writes for people: their details and their access to the platform."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import User
from accounts.staff_group import STAFF_GROUP
from softwaresupp.events import changes_apply, event_record


@transaction.atomic
def user_update(
    *, actor: User, user: User, first_name: str, last_name: str, time_zone: str
) -> User:
    if actor.pk != user.pk and not actor.sees_everything:
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


def _require_staff(actor: User) -> None:
    if not actor.sees_everything:
        raise PermissionDenied("Only SoftwareSupp staff manage people's accounts.")


@transaction.atomic
def user_create(*, actor: User, email: str, password: str) -> User:
    """An account that staff open for someone (an expert joining, a customer's colleague)."""
    _require_staff(actor)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email address exists."})
    user = User.objects.create_user(email=email, password=password)
    event_record(actor=actor, target=user, verb="created", note=email)
    return user


def _group_names(groups) -> str:
    return ", ".join(sorted(group.name for group in groups))


@transaction.atomic
def user_access_change(
    *, actor: User, user: User, is_staff: bool, is_superuser: bool, groups=()
) -> User:
    """Who runs the network. Only a superuser makes someone staff or superuser or changes
    their groups, and never their own access (nobody promotes or locks out themselves).
    Staff are in the Staff group, whose permissions are what staff may do in admin; a
    superuser is staff too."""
    if not (actor.sees_everything and actor.is_superuser):
        raise PermissionDenied("Only a superuser changes who is staff.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError("You cannot change your own access; ask another superuser.")
    is_staff = is_staff or is_superuser
    groups = {group for group in groups if group.name != STAFF_GROUP}
    if is_staff:
        groups.add(Group.objects.get(name=STAFF_GROUP))
    changes = changes_apply(user, {"is_staff": is_staff, "is_superuser": is_superuser})
    if changes:
        user.save(update_fields=list(changes))
    before = set(user.groups.all())
    if before != groups:
        user.groups.set(groups)
        changes["groups"] = (_group_names(before), _group_names(groups))
    if changes:
        event_record(actor=actor, target=user, verb="access changed", changes=changes)
    return user


@transaction.atomic
def user_password_set(*, actor: User, user: User, password: str) -> User:
    """A superuser sets someone's password (a person locked out of their email, say).
    Whoever knows it can sign in as that person, so only a superuser may, and it is
    recorded; staff send a password reset link instead."""
    if not (actor.sees_everything and actor.is_superuser):
        raise PermissionDenied("Only a superuser sets someone's password.")
    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    user.save(update_fields=["password"])
    event_record(actor=actor, target=user, verb="password set")
    return user


def _active_set(*, actor: User, user: User, active: bool, verb: str) -> User:
    _require_staff(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate or reactivate yourself.")
    if user.is_staff and not actor.is_superuser:
        raise PermissionDenied("Only a superuser deactivates or reactivates staff.")
    if user.is_active == active:
        raise ValidationError(f"This account is already {'active' if active else 'inactive'}.")
    changes = changes_apply(user, {"is_active": active})
    user.save(update_fields=["is_active"])
    event_record(actor=actor, target=user, verb=verb, changes=changes)
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """The person can no longer sign in, and their open sessions stop working; what they
    did stays in the history. This, not deleting, is how someone leaves the platform."""
    return _active_set(actor=actor, user=user, active=False, verb="deactivated")


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    return _active_set(actor=actor, user=user, active=True, verb="reactivated")
