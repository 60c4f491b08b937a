"""The planned-work summary (R-LEAD-SUMMARY): from a lead in planning, the expert opens the
customer's account if there is none, drafts the project with its planned, estimated tasks
on the customer's board and sends it; this ties the customer to the lead."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.services import invitation_accept_url, organization_invite_owner
from leads.models import Attribution, Lead, PlannedWorkSummary
from projects.models import Project
from projects.services.projects import project_draft
from projects.services.tasks import task_plan
from softwaresupp.events import event_record
from softwaresupp.notifications import absolute_url, notify


def _customer_organization(*, actor: User, lead: Lead):
    """The customer's organization and, when it is opened now, the owner invitation.

    A contact who already owns an organization gets the work there (the one named like the
    lead's company, else their first); anyone else gets a new organization with an owner
    invitation to the contact's address."""
    owned = Organization.objects.filter(
        memberships__user__email__iexact=lead.contact_email,
        memberships__role=Membership.Role.OWNER,
    ).order_by("created_at", "pk")
    existing = owned.filter(name__iexact=lead.company).first() or owned.first()
    if existing is not None:
        return existing, None
    return organization_invite_owner(actor=actor, name=lead.company, email=lead.contact_email)


@transaction.atomic
def summary_send(
    *,
    actor: User,
    lead: Lead,
    project_name: str,
    description: str,
    tasks: list[tuple[str, Decimal]],
    message: str = "",
) -> PlannedWorkSummary:
    """R-LEAD-SUMMARY: every lead receives its planned work through the project system. The
    draft project and its estimated tasks are on the customer's board; the customer gets
    them by email (with the invitation link when their account is new). A new customer
    organization is attributed to the lead (R-COMMISSION); one that existed before keeps
    whatever brought it (the first attribution wins)."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.expert_id != actor.pk:
        raise PermissionDenied("Only the lead's expert sends its planned work.")
    if lead.stage != Lead.Stage.PLANNING:
        raise ValidationError("Move the lead to planning before sending the planned work.")
    if PlannedWorkSummary.objects.filter(lead=lead).exists():
        raise ValidationError("This lead's planned work was sent already.")
    if not tasks:
        raise ValidationError({"tasks": "Plan at least one task with its estimate."})
    organization, invitation = _customer_organization(actor=actor, lead=lead)
    project = project_draft(
        actor=actor,
        organization=organization,
        name=project_name,
        description=description,
        engagement_type=Project.EngagementType.HOURLY,
        time_zone=organization.time_zone,
        skills=list(lead.technology.all()),
    )
    planned = [
        task_plan(actor=actor, project=project, title=title, estimate_hours=hours)
        for title, hours in tasks
    ]
    summary = PlannedWorkSummary(
        lead=lead,
        organization=organization,
        project=project,
        invitation=invitation,
        message=message.strip(),
        created_by=actor,
    )
    summary.full_clean()
    summary.save()
    if invitation is not None:
        Attribution.objects.create(organization=organization, lead=lead)
    lead.organization, lead.changed_at = organization, timezone.now()
    lead.save(update_fields=["organization", "changed_at"])
    event_record(
        actor=actor,
        target=lead,
        verb="planned work sent",
        organization=organization,
        changes={"organization": (None, organization.name)},
        note=f"{len(planned)} tasks, {sum(hours for _, hours in tasks)} h",
    )
    summary_url = absolute_url(summary.get_absolute_url())
    notify(
        template="lead_summary",
        recipients=[lead.contact_email],
        context={
            "lead": lead,
            "expert": str(actor),
            "summary": summary,
            "project": project,
            "tasks": planned,
            "total_hours": sum(hours for _, hours in tasks),
            "accept_url": invitation_accept_url(invitation) if invitation else "",
            "summary_url": summary_url,
        },
        key=f"lead_summary:{summary.pk}",
    )
    return summary
