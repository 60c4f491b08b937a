from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts import selectors, services
from accounts.forms import InvitationAcceptForm, InvitationForm, ProfileForm
from accounts.models import ExpertProfile, Invitation, Membership, Organization, User
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup
from softwaresupp.tenancy import require_staff


@login_required
def dashboard(request):
    """One entry page; what it shows follows the user's role. Each app draws its own panel
    (a template tag), so this page imports none of them."""
    user = request.user
    if user.sees_everything:
        return render(request, "dashboard/staff.html", _staff_figures())
    if user.is_expert:
        return render(request, "dashboard/expert.html", {"profile": user.expert_profile})
    return render(
        request,
        "dashboard/customer.html",
        {"organizations": selectors.user_organizations(user=user)},
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


def _owner_or_staff(user, organization) -> bool:
    return (
        user.sees_everything
        or selectors.membership_role(user=user, organization=organization) == Membership.Role.OWNER
    )


@login_required
def organization_detail(request, slug):
    organization = selectors.organization_get(user=request.user, slug=slug)
    can_manage = _owner_or_staff(request.user, organization)
    form = InvitationForm()
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Only owners can invite members.")
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                services.invitation_create(
                    actor=request.user, organization=organization, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
                return redirect(organization)
    return render(
        request,
        "accounts/organization_detail.html",
        {"organization": organization, "form": form, "can_manage": can_manage},
    )


@login_required
def invitation_revoke(request, slug, pk):
    organization = selectors.organization_get(user=request.user, slug=slug)
    invitation = get_object_or_404(organization.invitations.all(), pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation to {invitation.email} revoked.")
    return redirect(organization)


@login_required
def membership_remove(request, slug, pk):
    organization = selectors.organization_get(user=request.user, slug=slug)
    membership = get_object_or_404(organization.memberships.all(), pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.email} no longer belongs to {organization}.")
    return redirect(organization)


def invitation_accept(request, token):
    """Public by design: the unguessable token in the emailed link is the credential."""
    invitation = Invitation.objects.select_related("organization").filter(token=token).first()
    if invitation is None:
        raise Http404("This invitation link is not valid.")
    if not invitation.can_accept():
        return render(
            request, "accounts/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("dashboard")
            messages.success(request, f"You joined {invitation.organization}.")
            return redirect("dashboard")
        return render(
            request, "accounts/invitation_accept.html", {"invitation": invitation, "form": None}
        )
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            login(request, user, backend="accounts.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.organization}.")
            return redirect("dashboard")
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form}
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_update(actor=request.user, user=request.user, **form.cleaned_data)
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "expert_profile": getattr(request.user, "expert_profile", None),
            "organizations": selectors.user_organizations(user=request.user),
        },
    )
