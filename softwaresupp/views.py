from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.models import ExpertProfile, Organization, User
from accounts.selectors import user_organizations
from projects.selectors.projects import dashboard_projects
from softwaresupp.tenancy import require_staff


@login_required
def dashboard(request):
    """One entry page; what it shows follows the user's role."""
    user = request.user
    board = {"board_projects": dashboard_projects(user=user)}
    if user.is_staff:
        return render(request, "dashboard/staff.html", {**_staff_figures(), **board})
    if user.is_expert:
        return render(request, "dashboard/expert.html", {"profile": user.expert_profile, **board})
    return render(
        request,
        "dashboard/customer.html",
        {"organizations": user_organizations(user=user), **board},
    )


def _staff_figures() -> dict:
    return {
        "organization_count": Organization.objects.count(),
        "expert_count": ExpertProfile.objects.count(),
        "user_count": User.objects.filter(is_active=True).count(),
    }


@login_required
def staff_home(request):
    require_staff(request.user)
    return render(
        request,
        "staff/home.html",
        {
            **_staff_figures(),
            "organizations": Organization.objects.order_by("name")[:50],
            "experts": ExpertProfile.objects.select_related("user").prefetch_related("skills")[:50],
        },
    )


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)
