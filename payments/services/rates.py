"""Rate changes (R-RATE-MIN): staff only, each a new row taking effect on a day, so hours
before it keep their rate; every change is in the event log from → to."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import ExpertProfile, Membership, User
from payments.models import AssignmentRate, ExpertRate
from payments.selectors.rates import customer_rate_on, expert_rate_on
from projects.models import Assignment
from softwaresupp.events import event_record


def _require_staff(actor: User) -> None:
    if not actor.sees_everything:
        raise PermissionDenied("Only SoftwareSupp staff set rates.")


def _lock_expert(expert: User) -> ExpertProfile:
    """Expert and customer rate changes of one expert wait for each other: each checks the
    other's rates, so two at once could otherwise pass both checks."""
    return ExpertProfile.objects.select_for_update().get(user_id=expert.pk)


@transaction.atomic
def expert_rate_change(
    *, actor: User, expert: User, hourly_rate, effective_from: date
) -> ExpertRate:
    """From ``effective_from`` the expert earns ``hourly_rate``. The profile's
    ``hourly_rate`` keeps the latest agreed rate for display."""
    _require_staff(actor)
    profile = _lock_expert(expert)
    before = expert_rate_on(expert, effective_from)
    if not ExpertRate.objects.filter(expert=expert).exists():
        # The rate the expert had so far stays in force for every earlier day.
        ExpertRate.objects.create(
            expert=expert, hourly_rate=profile.hourly_rate, effective_from=date.min
        )
    rate = ExpertRate(
        expert=expert, hourly_rate=hourly_rate, effective_from=effective_from, created_by=actor
    )
    rate.full_clean()
    rate.save()
    ExpertProfile.objects.filter(pk=profile.pk).update(hourly_rate=rate.hourly_rate)
    event_record(
        actor=actor,
        target=profile,
        verb="rate changed",
        changes={"hourly_rate": (before, rate.hourly_rate)},
        note=f"effective {effective_from.isoformat()}",
    )
    return rate


@transaction.atomic
def assignment_rate_set(
    *, actor: User, assignment: Assignment, customer_rate, effective_from: date
) -> AssignmentRate:
    """From ``effective_from`` the customer pays ``customer_rate`` for the assignment. Its
    first rate may start with the assignment (nothing is billed without one); a change
    never reaches back before today."""
    _require_staff(actor)
    assignment = Assignment.objects.select_related("expert", "organization").get(pk=assignment.pk)
    _lock_expert(assignment.expert)
    before = customer_rate_on(assignment, effective_from)
    return _customer_rate_save(
        actor, assignment, customer_rate, effective_from, verb="customer rate set", before=before
    )


def _customer_rate_save(actor, assignment, customer_rate, effective_from, *, verb, before):
    """The new customer rate row, checked against the minimum (``full_clean``), recorded."""
    rate = AssignmentRate(
        assignment=assignment,
        customer_rate=customer_rate,
        effective_from=effective_from,
        created_by=actor,
    )
    rate.full_clean()
    rate.save()
    event_record(
        actor=actor,
        target=assignment,
        organization=assignment.organization,
        verb=verb,
        changes={"customer_rate": (before, rate.customer_rate)},
        note=f"effective {effective_from.isoformat()}",
    )
    return rate


@transaction.atomic
def assignment_rate_agree(
    *, actor: User, assignment: Assignment, customer_rate, effective_from: date
) -> AssignmentRate:
    """The first customer rate of an assignment the customer made themselves, by choosing an
    offer (R-MATCH) or launching an hourly plan (R-PLAN): an owner of the customer agrees
    it, under the same non-negotiable minimum (R-RATE-MIN). Later changes are staff's
    (``assignment_rate_set``)."""
    assignment = Assignment.objects.select_related("expert", "organization").get(pk=assignment.pk)
    if not Membership.objects.of(actor, assignment.organization).owners().exists():
        raise PermissionDenied("Only an owner of the customer agrees the rate.")
    _lock_expert(assignment.expert)
    if AssignmentRate.objects.filter(assignment=assignment).exists():
        raise ValidationError(
            {"customer_rate": "This assignment already has a rate; SoftwareSupp staff change it."}
        )
    return _customer_rate_save(
        actor, assignment, customer_rate, effective_from, verb="customer rate agreed", before=None
    )
