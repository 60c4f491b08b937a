from django.contrib import admin

from softwaresupp.admin_tools import AppendOnlyAdmin, ViewOnlyAdmin
from surveys.models import Survey, SurveyOptOut


@admin.register(Survey)
class SurveyAdmin(AppendOnlyAdmin):
    """Read-only: surveys are written by the weekly job and answered by the customer."""

    list_display = ["week_starts_on", "organization", "respondent", "score", "answered_at"]
    list_filter = ["week_starts_on", "organization"]
    search_fields = ["respondent__email", "organization__name", "comment"]
    list_select_related = ["organization", "respondent"]
    exclude = ["token"]


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(ViewOnlyAdmin):
    list_display = ["organization", "user", "chosen_by", "created_at"]
    list_filter = ["organization"]
    search_fields = ["user__email", "organization__name"]
    list_select_related = ["organization", "user", "chosen_by"]
