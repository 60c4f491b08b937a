"""Reads for projects and their teams, scoped to the user (R-TENANT)."""

from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from accounts.models import Invitation, Membership, Organization, User
from projects.models import Assignment, BoardStamp, Project, Task
from projects.models.core import UNFINISHED_STATUSES
from softwaresupp.tenancy import get_visible_or_404


@dataclass(frozen=True)
class ProjectAccess:
    """What one user may do on one project (they can already see it)."""

    sees_everything: bool = False  # staff in an MFA-verified session
    is_expert: bool = False  # assigned to the project today
    is_customer: bool = False  # a member of the project's organization
    is_owner: bool = False  # an owner of that organization

    @property
    def can_triage(self) -> bool:
        """Estimate, schedule, assign and move tasks; post updates; ship releases."""
        return self.sees_everything or self.is_expert

    @property
    def can_edit_project(self) -> bool:
        return self.sees_everything or self.is_owner

    @property
    def can_manage_team(self) -> bool:
        return self.sees_everything


def _access(user, role: str | None, is_expert: bool) -> ProjectAccess:
    return ProjectAccess(
        sees_everything=user.sees_everything,
        is_expert=is_expert,
        is_customer=role is not None,
        is_owner=role == Membership.Role.OWNER,
    )


def project_access(*, user, project: Project) -> ProjectAccess:
    if not user.is_authenticated:
        return ProjectAccess()
    role, is_expert = (
        Project.objects.filter(pk=project.pk)
        .with_access(user)
        .values_list("access_role", "access_is_expert")
        .get()
    )
    return _access(user, role, is_expert)


def _visible(user):
    """The user's projects as a plain filter, so counts over their tasks are not multiplied
    by the joins the visibility rule makes."""
    return Project.objects.filter(pk__in=Project.objects.visible_to(user).values("pk"))


def project_list(*, user, status: str | None = None):
    projects = (
        _visible(user)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.current().select_related("expert"),
                to_attr="current_assignments",
            )
        )
        .annotate(
            open_task_count=Count("tasks", filter=Q(tasks__status__in=UNFINISHED_STATUSES)),
        )
        .order_by("organization__name", "name")
    )
    if status:
        projects = projects.filter(status=status)
    return projects


def project_get(*, user, pk: int) -> Project:
    return get_visible_or_404(Project.objects.select_related("organization"), user, pk=pk)


def project_get_with_access(*, user, pk: int) -> tuple[Project, ProjectAccess]:
    """``project_get`` and ``project_access`` in one query (the board reads both), with the
    board's stamp (``project.board_stamp``, None until its first change is committed): read
    before the board's rows, so rows cached under it are never older than it."""
    if not user.is_authenticated:
        return project_get(user=user, pk=pk), ProjectAccess()
    stamp = RawSQL(
        f"SELECT s.token FROM {BoardStamp._meta.db_table} s "
        f'WHERE s.project_id = "{Project._meta.db_table}"."id"',
        [],
        output_field=CharField(null=True),
    )
    projects = Project.objects.select_related("organization").annotate(board_stamp=stamp)
    try:
        project = projects.visible_with_access(user).get(pk=pk)
    except Project.DoesNotExist:
        raise Http404("No project found.") from None
    return project, _access(user, project.access_role, project.access_is_expert)


def project_team(*, project: Project):
    """Everyone ever assigned, current first; for the team page."""
    return project.assignments.select_related("expert", "expert__expert_profile").order_by(
        "ends_on", "-role", "starts_on"
    )


def assignable_experts(*, project: Project):
    """R-HOURS/R-TIMESHEET: only an expert assigned to the project today can own its tasks."""
    return User.objects.filter(
        pk__in=project.assignments.current().values("expert_id"), is_active=True
    ).order_by("first_name", "last_name", "email")


def organizations_for_new_project(*, user):
    """Staff create projects for any customer; an owner for their own organizations."""
    if user.sees_everything:
        return Organization.objects.order_by("name")
    return Organization.objects.filter(
        pk__in=Membership.objects.filter(user=user).owners().values("organization_id")
    ).order_by("name")


def project_members(*, project: Project):
    """The customer's people: who gets milestone updates and the weekly summary."""
    return User.objects.filter(
        memberships__organization_id=project.organization_id, is_active=True
    ).order_by("email")


def dashboard_projects(*, user, limit: int = 8) -> list:
    """The running projects on a user's dashboard, with what waits on the board."""
    return list(
        _visible(user)
        .filter(status__in=(Project.Status.ACTIVE, Project.Status.PAUSED))
        .select_related("organization")
        .annotate(
            open_task_count=Count("tasks", filter=Q(tasks__status__in=UNFINISHED_STATUSES)),
            needs_estimate_count=Count("tasks", filter=Q(tasks__status=Task.Status.NEW)),
            in_progress_count=Count("tasks", filter=Q(tasks__status=Task.Status.IN_PROGRESS)),
        )
        .order_by("organization__name", "name")[:limit]
    )


# Where the onboarding app lets an owner post their organization's work for matching
# (R-MATCH), looked up by name so projects never imports it; no link if it is not routed.
MATCHING_ROUTES = ("onboarding:posting_new",)


def _matching_url(organization, project) -> str:
    for name in MATCHING_ROUTES:
        for kwargs in ({"slug": organization.slug}, {"pk": project.pk}, {}):
            try:
                return reverse(name, kwargs=kwargs)
            except NoReverseMatch:
                continue
    return ""


def first_steps(*, user) -> dict | None:
    """What a customer owner does next, in order: create a project, post it for matching (an
    expert joins one of its projects), invite teammates. None when the user owns no
    organization or every step is done. One query."""
    if user.sees_everything or user.is_expert:
        return None
    others = Membership.objects.filter(organization=OuterRef("pk")).exclude(user=user)
    organization = (
        Organization.objects.filter(
            pk__in=Membership.objects.filter(user=user).owners().values("organization_id")
        )
        .annotate(
            latest_project=Subquery(
                Project.objects.filter(organization=OuterRef("pk")).order_by("-pk").values("pk")[:1]
            ),
            has_expert=Exists(
                Assignment.objects.current().filter(project__organization=OuterRef("pk"))
            ),
            has_members=Exists(others),
            has_invitations=Exists(
                Invitation.objects.filter(
                    organization=OuterRef("pk"), status=Invitation.Status.PENDING
                )
            ),
        )
        .order_by("name")
        .first()
    )
    if organization is None:
        return None
    project = organization.latest_project and Project(
        pk=organization.latest_project, organization=organization
    )
    has_expert = organization.has_expert
    has_team = organization.has_members or organization.has_invitations
    steps = [
        {
            "key": "project",
            "done": project is not None,
            "title": "Create your first project",
            "text": "Name it, say what the software is built with and how you like to talk.",
            "url": reverse("projects:create"),
            "action": "Create a project",
        },
        {
            "key": "match",
            "done": has_expert,
            "title": "Post it for matching",
            "text": "Certified experts whose skills fit its technology offer to work on it; "
            "you choose who joins.",
            "url": _matching_url(organization, project) if project is not None else "",
            "action": "Post for matching",
        },
        {
            "key": "team",
            "done": has_team,
            "title": "Invite your teammates",
            "text": "They can ask questions, follow the board and approve hours.",
            "url": organization.get_absolute_url() + "#invite",
            "action": "Invite teammates",
        },
    ]
    if all(step["done"] for step in steps):
        return None
    return {"organization": organization, "project": project, "steps": steps}
