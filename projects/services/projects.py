"""Writes for projects and the experts assigned to them."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts.models import Membership, Organization
from projects.models import Assignment, Project
from projects.models.core import _today_utc
from projects.services.sprints import LIVE_STATUSES, sprints_ensure
from softwaresupp.events import changes_apply, event_record, related_names_set
from softwaresupp.notifications import absolute_url, notify

PROJECT_FIELDS = (
    "name",
    "description",
    "engagement_type",
    "status",
    "time_zone",
    "communication_channel",
    "communication_handle",
    "staging_url",
    "production_url",
    "budget",
)


def _require_owner_or_staff(actor, organization: Organization) -> None:
    if actor.sees_everything:
        return
    if not Membership.objects.of(actor, organization).owners().exists():
        raise PermissionDenied("Only the organization's owners and SoftwareSupp staff can do that.")


def _check_unique_name(organization: Organization, name: str, exclude_pk=None) -> None:
    if (
        Project.objects.filter(organization=organization, name__iexact=name)
        .exclude(pk=exclude_pk)
        .exists()
    ):
        raise ValidationError({"name": "Your organization already has a project with this name."})


@transaction.atomic
def project_create(*, actor, organization: Organization, skills=(), **fields) -> Project:
    """A new project for a customer organization, with its first two sprints (R-SPRINT).
    Without a time zone it works in the organization's."""
    _require_owner_or_staff(actor, organization)
    fields = {k: v for k, v in fields.items() if k in PROJECT_FIELDS}
    fields["time_zone"] = fields.get("time_zone") or organization.time_zone
    fields["name"] = fields.get("name", "").strip()
    # The name check is case-insensitive, the database constraint is not: a double submit
    # waits here for the first one, then gets the plain "name taken" message.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _check_unique_name(organization, fields["name"])
    project = Project(organization=organization, **fields)
    project.full_clean()
    project.save()
    project.skills.set(skills)
    event_record(
        actor=actor,
        target=project,
        verb="created",
        organization=organization,
        changes={"status": (None, project.get_status_display())},
    )
    if project.status in LIVE_STATUSES:
        sprints_ensure(project=project)
    return project


@transaction.atomic
def project_draft(*, actor, organization: Organization, skills=(), **fields) -> Project:
    """A draft project planned for a customer by the one the caller has checked may plan it
    (the expert of a lead, R-LEAD-SUMMARY): ``project_create``'s rules without the owner
    check. A draft runs no sprints until it becomes active."""
    fields = {k: v for k, v in fields.items() if k in PROJECT_FIELDS}
    fields["name"] = fields.get("name", "").strip()
    fields["status"] = Project.Status.DRAFT
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    _check_unique_name(organization, fields["name"])
    project = Project(organization=organization, **fields)
    project.full_clean()
    project.save()
    project.skills.set(skills)
    event_record(
        actor=actor,
        target=project,
        verb="created",
        organization=organization,
        changes={"status": (None, project.get_status_display())},
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, skills=None, **fields) -> Project:
    _require_owner_or_staff(actor, project.organization)
    project = Project.objects.select_for_update().get(pk=project.pk)
    unknown = set(fields) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    changes = changes_apply(project, fields)
    if "name" in changes:
        _check_unique_name(project.organization, project.name, exclude_pk=project.pk)
    project.full_clean()
    if changes:
        project.save(update_fields=list(changes))
    if skills is not None and (technology := related_names_set(project.skills, skills)):
        changes["technology"] = technology
    if changes:
        event_record(
            actor=actor,
            target=project,
            verb="updated",
            organization=project.organization,
            changes=changes,
        )
    if project.status in LIVE_STATUSES:
        sprints_ensure(project=project)
    return project


def _require_staff(actor) -> None:
    if not actor.sees_everything:
        raise PermissionDenied("Only SoftwareSupp staff assign experts to projects.")


@transaction.atomic
def assignment_create(
    *,
    actor,
    project: Project,
    expert,
    role: str = Assignment.Role.MEMBER,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Assignment:
    """Staff put a certified expert on a project; while the assignment lasts the expert
    sees the project and works on its board. The expert is told by email."""
    _require_staff(actor)
    return assignment_open(
        actor=actor, project=project, expert=expert, role=role, starts_on=starts_on, ends_on=ends_on
    )


@transaction.atomic
def assignment_open(
    *,
    actor,
    project: Project,
    expert,
    role: str = Assignment.Role.MEMBER,
    starts_on: date | None = None,
    ends_on: date | None = None,
    weekly_hour_cap=None,
) -> Assignment:
    """Put an expert on a project for the one who decided it: staff (``assignment_create``),
    a customer choosing an offer (R-MATCH) or launching an hourly plan (R-PLAN). The caller
    has checked that ``actor`` may decide; this keeps the rules every assignment obeys."""
    # Serialise assignments per project: a double-click must not pass the overlap check twice.
    project = Project.objects.select_for_update().get(pk=project.pk)
    profile = getattr(expert, "expert_profile", None)
    if profile is None:
        raise ValidationError({"expert": "Only experts of the network can be assigned."})
    # R-EXPERT-ONBOARD: profile, certification, mailbox and the network's rules first.
    if refusal := profile.onboarding_refusal():
        raise ValidationError({"expert": refusal})
    starts_on = starts_on or _today_utc()
    overlapping = project.assignments.filter(expert=expert).overlapping(
        starts_on, ends_on or date.max
    )
    if overlapping.exists():
        raise ValidationError({"expert": "This expert is already assigned for these dates."})
    assignment = Assignment(
        project=project,
        organization_id=project.organization_id,
        expert=expert,
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
        weekly_hour_cap=weekly_hour_cap,
    )
    assignment.full_clean()
    assignment.save()
    event_record(
        actor=actor,
        target=project,
        verb="expert assigned",
        organization=project.organization,
        changes={"team": (None, f"{expert} ({assignment.get_role_display()})")},
        note=f"from {starts_on:%d %b %Y}" + (f" to {ends_on:%d %b %Y}" if ends_on else ""),
    )
    notify(
        template="project_assignment",
        recipients=[expert],
        context={
            "project": project,
            "assignment": assignment,
            "board_url": absolute_url(project.get_absolute_url()),
        },
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, ends_on: date | None = None) -> Assignment:
    """The expert leaves the project: from the day after ``ends_on`` (today by default)
    they no longer see it."""
    _require_staff(actor)
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=assignment.pk)
    )
    ends_on = ends_on or _today_utc()
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": "The last day cannot be before the first day."})
    if assignment.ends_on is not None and assignment.ends_on <= ends_on:
        raise ValidationError("This assignment has already ended.")
    before, assignment.ends_on = assignment.ends_on, ends_on
    assignment.full_clean()
    assignment.save(update_fields=["ends_on"])
    event_record(
        actor=actor,
        target=assignment.project,
        verb="expert left",
        organization=assignment.project.organization,
        changes={"team": (f"{assignment.expert}", None)},
        note=f"last day {ends_on:%d %b %Y}" + (f" (was {before:%d %b %Y})" if before else ""),
    )
    return assignment
