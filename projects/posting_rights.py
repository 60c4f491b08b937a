"""Who may post a project that needs an expert for a customer they are not a member of
(R-MATCH: "a customer, or staff, or an expert for a lead, posts a project").

The rule is the leads app's (the expert who brought the customer), but leads and onboarding
may not import each other (tests/core/test_layers.py). So the rule is registered here, a
layer below both: leads registers it when the app is ready, onboarding asks here.

The right is per project, not per organization: the lead's expert posts for the project
they planned with the customer, and never sees (nor posts for) its other projects."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from accounts.models import Organization
from projects.models import Project

# name -> rule(user): a queryset of the ids of the projects the user may post for.
_rules: dict[str, Callable[[object], QuerySet]] = {}


def posting_right_register(name: str, rule: Callable[[object], QuerySet]) -> None:
    """Add (or replace, by name: app loading may run twice) a rule."""
    _rules[name] = rule


def projects_posted_for(user) -> QuerySet:
    """The projects ``user`` may post for on their customer's behalf, without being its
    member: one query, the rules as subqueries."""
    if not user.is_authenticated or not _rules:
        return Project.objects.none()
    allowed = Q()
    for rule in _rules.values():
        allowed |= Q(pk__in=rule(user))
    return Project.objects.filter(allowed)


def organizations_posted_for(user) -> QuerySet:
    """The organizations of those projects (one query): whose posting page the user may
    open and whose postings by them they still see."""
    return Organization.objects.filter(pk__in=projects_posted_for(user).values("organization_id"))


def may_post_for(user, organization) -> bool:
    return organizations_posted_for(user).filter(pk=organization.pk).exists()


def may_post_for_project(user, project) -> bool:
    return project is not None and projects_posted_for(user).filter(pk=project.pk).exists()
