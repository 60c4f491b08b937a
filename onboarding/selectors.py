"""Reads of matching and onboarding, scoped to the user (R-TENANT) and already joined."""

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404

from accounts.models import ExpertProfile, Membership, Organization
from onboarding.models import (
    Credential,
    CredentialRequest,
    Offer,
    Posting,
    Stakeholder,
    ToolAccess,
)
from projects.models import Assignment, Project
from projects.posting_rights import organizations_posted_for, projects_posted_for
from softwaresupp.events import event_list_for
from softwaresupp.tenancy import get_visible_or_404


def posting_list(*, user):
    """The postings the user may see: an expert's matching ones carry their own offer's
    status; a customer's and staff's carry the number of live offers."""
    own_offer = Offer.objects.filter(posting_id=OuterRef("pk"), expert=user)
    return (
        Posting.objects.visible_to(user)
        .select_related("organization", "project", "created_by")
        .prefetch_related("skills")
        .annotate(
            offers_count=Count(
                "offers",
                filter=Q(offers__status__in=[Offer.Status.SENT, Offer.Status.CHOSEN]),
                distinct=True,
            ),
            my_offer_status=Subquery(own_offer.values("status")[:1]),
        )
    )


def posting_organization(*, user, slug) -> Organization:
    """The organization the user may post a project for (R-MATCH): their own, any for
    staff, or the customer of a lead they are the expert of; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404("No organization found.")
    organization = (
        Organization.objects.filter(slug=slug)
        .filter(
            Q(pk__in=Organization.objects.visible_to(user).values("pk"))
            | Q(pk__in=organizations_posted_for(user).values("pk"))
        )
        .first()
    )
    if organization is None:
        raise Http404("No organization found.")
    return organization


def posting_projects(*, user, organization):
    """The projects the user may post for at the organization (R-MATCH): its members and
    staff any project not closed; someone posting on its behalf only those of them their
    right covers (the lead's expert: the project they planned), so the customer's other
    projects are neither offered nor named to them."""
    projects = Project.objects.filter(organization=organization).exclude(
        status=Project.Status.CLOSED
    )
    if user.sees_everything or Membership.objects.of(user, organization).exists():
        return projects
    return projects.filter(pk__in=projects_posted_for(user).values("pk"))


def posting_of_customer(*, user, pk) -> Posting:
    """A posting its customer's members (or staff) act on as the customer; 404 for the
    experts who see it, as for everyone else."""
    if not user.is_authenticated:
        raise Http404("No posting found.")
    postings = Posting.objects.select_related("organization")
    if not user.sees_everything:
        postings = postings.filter(organization__in=Organization.objects.visible_to(user))
    posting = postings.filter(pk=pk).first()
    if posting is None:
        raise Http404("No posting found.")
    return posting


def posting_get(*, user, pk) -> Posting:
    return get_visible_or_404(
        Posting.objects.select_related("organization", "project", "created_by").prefetch_related(
            "skills"
        ),
        user,
        pk=pk,
    )


def offers_for(*, user, posting):
    """The offers the user may see on the posting: the customer and staff all of them
    (side by side), an expert only their own."""
    return (
        Offer.objects.visible_to(user)
        .filter(posting=posting)
        .select_related("expert__expert_profile", "suggested_by")
        .prefetch_related("expert__expert_profile__skills")
        .order_by("-shortlisted", "hourly_rate", "pk")
    )


def offer_get(*, user, pk) -> Offer:
    return get_visible_or_404(
        Offer.objects.select_related("posting__organization", "expert"), user, pk=pk
    )


def checklist_organization(*, user, slug) -> Organization:
    """The organization whose onboarding checklist the user may open: its members, staff,
    and experts assigned to one of its projects today; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404("No organization found.")
    assigned = Assignment.objects.current().filter(expert=user).values("organization_id")
    organization = (
        Organization.objects.filter(slug=slug)
        .filter(Q(pk__in=Organization.objects.visible_to(user).values("pk")) | Q(pk__in=assigned))
        .first()
    )
    if organization is None:
        raise Http404("No organization found.")
    return organization


def checklist(*, user, organization) -> dict:
    """R-ACCESS: the organization's stakeholders, tools and vault entries (no secrets),
    each list one query whatever its length."""
    credentials = (
        Credential.objects.visible_to(user)
        .filter(organization=organization)
        .with_rotation_due()
        .select_related("project", "created_by")
    )
    return {
        "stakeholders": list(
            Stakeholder.objects.filter(organization=organization).select_related("validated_by")
        ),
        "tools": list(
            ToolAccess.objects.filter(organization=organization).select_related("verified_by")
        ),
        "credentials": list(credentials),
        "requests": list(
            CredentialRequest.objects.filter(
                organization=organization, status=CredentialRequest.Status.PENDING
            ).select_related("project", "requested_by")
        ),
    }


def credential_get(*, user, pk) -> Credential:
    return get_visible_or_404(
        Credential.objects.with_rotation_due().select_related("organization", "project"),
        user,
        pk=pk,
    )


def credential_revealable(*, user, pk) -> Credential:
    """404 unless the user may reveal it: staff, or an expert assigned to its project today."""
    credential = (
        Credential.objects.revealable_by(user)
        .select_related("organization", "project")
        .filter(pk=pk)
        .first()
    )
    if credential is None:
        raise Http404("No credential found.")
    return credential


def reveal_log(credential: Credential):
    """R-SECRET: who revealed the credential, when and from where (the event log)."""
    return event_list_for(credential).filter(verb="credential revealed")


def credential_request_get(*, user, token) -> CredentialRequest:
    return get_visible_or_404(
        CredentialRequest.objects.select_related("project__organization", "requested_by"),
        user,
        token=token,
    )


def expert_stages():
    """Every expert with their onboarding steps (R-EXPERT-ONBOARD), for staff: one query
    whatever the number of experts (the skills step is an EXISTS)."""
    has_skill = ExpertProfile.skills.through.objects.filter(expertprofile_id=OuterRef("pk"))
    rows = (
        ExpertProfile.objects.select_related("user")
        .annotate(has_skills=Exists(has_skill))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    stages = []
    for profile in rows:
        steps = {
            "profile": bool(
                profile.has_skills
                and profile.region
                and profile.hourly_rate
                and profile.availability
            ),
            "certification": profile.is_certified,
            "mailbox": bool(profile.mailbox),
            "rules": profile.accepted_current_rules,
        }
        stages.append({"profile": profile, "steps": steps, "done": all(steps.values())})
    return stages
