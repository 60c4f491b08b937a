"""Organizations, memberships and invitations: view-only, changed through the services."""

from django.contrib import admin

from accounts import services
from accounts.admin.inlines import MembershipInline
from accounts.models import Invitation, Membership, Organization
from accounts.services.organizations import ORGANIZATION_FIELDS
from softwaresupp.admin_tools import ConfirmForm, ServiceAdmin, service_form


@admin.register(Organization)
class OrganizationAdmin(ServiceAdmin):
    """New organizations come from sign-up (their first owner with them); one with history
    (events, projects, hours, members) is kept."""

    list_display = ["name", "slug", "time_zone", "billing_email", "created_at"]
    list_filter = ["time_zone", "created_at"]
    search_fields = ["name", "slug", "billing_email"]
    inlines = [MembershipInline]
    edit_form = service_form(Organization, ORGANIZATION_FIELDS)

    def edit_save(self, request, obj, data):
        services.organization_update(actor=request.user, organization=obj, **data)


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    """People join by invitation; roles change and people leave through the actions, which
    keep at least one owner per organization."""

    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__email", "organization__name"]
    list_select_related = ["user", "organization"]
    actions = ["make_owner", "make_member", "remove"]

    def has_delete_permission(self, request, obj=None):
        return False

    def _role_set(self, request, queryset, role, done):
        def change(membership):
            services.membership_role_set(actor=request.user, membership=membership, role=role)

        return self.run_service(request, queryset, change, done=done)

    @admin.action(description="Make the selected people owners", permissions=["service"])
    def make_owner(self, request, queryset):
        return self._role_set(request, queryset, Membership.Role.OWNER, "Made owners")

    @admin.action(description="Make the selected people members", permissions=["service"])
    def make_member(self, request, queryset):
        return self._role_set(request, queryset, Membership.Role.MEMBER, "Made members")

    @admin.action(
        description="Remove the selected people from the organization", permissions=["service"]
    )
    def remove(self, request, queryset):
        def remove(membership):
            services.membership_remove(actor=request.user, membership=membership)

        return self.run_service(
            request,
            queryset,
            remove,
            done="Removed",
            form_class=ConfirmForm,
            title="Remove from the organization",
        )


@admin.register(Invitation)
class InvitationAdmin(ServiceAdmin):
    """Owners invite on the organization's page, which emails the link; revoking goes
    through the same service."""

    list_display = ["email", "organization", "role", "status", "created_at", "expires_at"]
    list_filter = ["status", "role", "organization"]
    search_fields = ["email", "organization__name"]
    exclude = ["token"]
    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected invitations", permissions=["service"])
    def revoke(self, request, queryset):
        def revoke(invitation):
            services.invitation_revoke(actor=request.user, invitation=invitation)

        return self.run_service(request, queryset, revoke, done="Revoked")
