"""Who may post a project that needs an expert for a customer they are not a member of
(R-MATCH: "a customer, or staff, or an expert for a lead, posts a project").

The rule is the leads app's (the expert who brought the customer), but leads and onboarding
may not import each other (tests/core/test_layers.py). So the rule is registered here, a
layer below both: leads registers it when the app is ready, onboarding asks here."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from accounts.models import Organization

# name -> rule(user): a queryset of the ids of the organizations the user may post for.
_rules: dict[str, Callable[[object], QuerySet]] = {}


def posting_right_register(name: str, rule: Callable[[object], QuerySet]) -> None:
    """Add (or replace, by name: app loading may run twice) a rule."""
    _rules[name] = rule


def organizations_posted_for(user) -> QuerySet:
    """The organizations ``user`` may post for on the customer's behalf, without being
    their member: one query, the rules as subqueries."""
    if not user.is_authenticated or not _rules:
        return Organization.objects.none()
    allowed = Q()
    for rule in _rules.values():
        allowed |= Q(pk__in=rule(user))
    return Organization.objects.filter(allowed)


def may_post_for(user, organization) -> bool:
    return organizations_posted_for(user).filter(pk=organization.pk).exists()
