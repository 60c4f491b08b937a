from django.contrib import admin

from accounts.models import Membership


class MembershipInline(admin.TabularInline):
    """Shown, not edited: memberships change through their own admin's actions."""

    model = Membership
    extra = 0
    fields = ["user", "organization", "role", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
