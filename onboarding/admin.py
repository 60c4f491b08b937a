"""Matching and onboarding in the admin: read-only lists (writes go through the services
and their pages; closing a posting is an action calling its service). The vault shows no
secret, in lists or on a credential's page."""

from django import forms
from django.contrib import admin

from onboarding.models import (
    Credential,
    CredentialRequest,
    Offer,
    Posting,
    Stakeholder,
    ToolAccess,
)
from onboarding.services import posting_close
from softwaresupp.admin_tools import ServiceActionsMixin, ViewOnlyAdmin


class PostingCloseAdminForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


@admin.register(Posting)
class PostingAdmin(ServiceActionsMixin, ViewOnlyAdmin):
    list_display = [
        "title",
        "organization",
        "status",
        "on_behalf",
        "starts_on",
        "announced_at",
        "created_at",
    ]
    list_filter = ["status", "engagement_type", "on_behalf"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization"]
    actions = ["close"]

    @admin.action(
        description="Close the selected postings without a choice", permissions=["service"]
    )
    def close(self, request, queryset):
        """R-MATCH: through the service, so waiting offers are declined and experts told."""

        def close(posting, reason=""):
            posting_close(actor=request.user, posting=posting, reason=reason)

        return self.run_service(
            request,
            queryset,
            close,
            done="Closed without a choice",
            form_class=PostingCloseAdminForm,
            title="Close postings without a choice",
        )


@admin.register(Offer)
class OfferAdmin(ViewOnlyAdmin):
    list_display = ["posting", "expert", "hourly_rate", "status", "shortlisted", "suggested_at"]
    list_filter = ["status"]
    search_fields = ["expert__email", "posting__title"]
    list_select_related = ["posting", "expert"]


@admin.register(Stakeholder)
class StakeholderAdmin(ViewOnlyAdmin):
    list_display = ["name", "role", "organization", "email", "validated_at"]
    list_filter = [("validated_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["name", "email", "organization__name"]
    list_select_related = ["organization"]


@admin.register(ToolAccess)
class ToolAccessAdmin(ViewOnlyAdmin):
    list_display = ["name", "organization", "method", "state", "verified_at"]
    list_filter = ["method", "state"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


@admin.register(Credential)
class CredentialAdmin(ViewOnlyAdmin):
    """R-SECRET: the ciphertext is left out too; staff reveal through the vault's page,
    after re-authenticating, and the reveal is logged."""

    list_display = ["label", "organization", "project", "secret_changed_on", "deleted_at"]
    list_filter = [("deleted_at", admin.EmptyFieldListFilter), "organization"]
    list_select_related = ["organization", "project"]
    search_fields = ["label", "organization__name"]
    exclude = ["secret_encrypted"]


@admin.register(CredentialRequest)
class CredentialRequestAdmin(ViewOnlyAdmin):
    list_display = ["label", "project", "requested_by", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["label", "project__name", "requested_by__email"]
    list_select_related = ["project", "requested_by"]
    exclude = ["token"]
