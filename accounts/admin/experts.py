"""The network's experts: profiles, rates and certification through the services."""

from django.contrib import admin

from accounts import services
from accounts.models import ExpertProfile, Skill
from accounts.services.experts import EXPERT_PROFILE_FIELDS
from softwaresupp.admin_tools import ConfirmForm, ServiceAdmin, service_form

NEW_PROFILE_FIELDS = ["user", "region", "country", "hourly_rate", "availability", "skills"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    list_display = ["name"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(ServiceAdmin):
    """Certification is what lets staff assign an expert (R-EXPERT-ONBOARD), so it changes
    through services that record the event. The rate is set on creation; later changes are
    dated rows under Payments › Expert rates."""

    list_display = [
        "user",
        "mailbox",
        "region",
        "country",
        "hourly_rate",
        "availability",
        "certified_at",
    ]
    list_filter = ["region", "availability", "skills", ("certified_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "user__first_name", "user__last_name", "mailbox", "country"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["skills"]
    edit_form = service_form(ExpertProfile, [*EXPERT_PROFILE_FIELDS, "skills"])
    actions = ["certify", "uncertify"]

    def has_add_permission(self, request, obj=None):
        return self.has_service_permission(request)

    def get_fields(self, request, obj=None):
        return NEW_PROFILE_FIELDS if obj is None else super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        profile = services.expert_profile_create(
            actor=request.user, **{name: data[name] for name in NEW_PROFILE_FIELDS}
        )
        obj.pk = profile.pk

    def save_related(self, request, form, formsets, change):
        """The service has set the skills already."""

    def edit_save(self, request, obj, data):
        services.expert_profile_update(actor=request.user, profile=obj, **data)

    @admin.action(description="Certify the selected experts", permissions=["service"])
    def certify(self, request, queryset):
        def certify(profile):
            services.expert_profile_certify(actor=request.user, profile=profile)

        return self.run_service(request, queryset, certify, done="Certified")

    @admin.action(
        description="Withdraw the selected experts' certification", permissions=["service"]
    )
    def uncertify(self, request, queryset):
        def uncertify(profile):
            services.expert_profile_uncertify(actor=request.user, profile=profile)

        return self.run_service(
            request,
            queryset,
            uncertify,
            done="Certification withdrawn",
            form_class=ConfirmForm,
            title="Withdraw certification",
        )
