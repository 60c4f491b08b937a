"""Base admin classes for rows that change only through services (rules, history, email)."""

from django.contrib import admin


class ViewOnlyAdmin(admin.ModelAdmin):
    """Staff read and search here; changes go through the pages and services that keep the
    rules. Deleting stays possible where the model allows it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AppendOnlyAdmin(ViewOnlyAdmin):
    """For logs and money records: nothing is edited or deleted, ever."""

    def has_delete_permission(self, request, obj=None):
        return False
