"""People in Django admin: their details and password are edited here; who is staff or
superuser, their groups and whether they may sign in change through services."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from accounts import services
from accounts.admin.inlines import MembershipInline
from accounts.models import User
from accounts.services.people import STAFF_GROUP
from softwaresupp.admin_tools import ConfirmForm, HistoryKeptMixin, ServiceActionsMixin

PERSON_FIELDS = ["first_name", "last_name", "time_zone"]


class AccessForm(forms.Form):
    is_staff = forms.BooleanField(
        required=False, label="Staff", help_text="SoftwareSupp team; joins the Staff group."
    )
    is_superuser = forms.BooleanField(
        required=False, label="Superuser", help_text="Has every permission; staff too."
    )
    groups = forms.ModelMultipleChoiceField(
        Group.objects.exclude(name=STAFF_GROUP),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Other groups; the Staff group follows the Staff box.",
    )


def _current_access(users) -> dict:
    """One person's access as it is, so the form starts from it; for several, from none."""
    if len(users) != 1:
        return {}
    [user] = users
    groups = user.groups.exclude(name=STAFF_GROUP)
    return {"is_staff": user.is_staff, "is_superuser": user.is_superuser, "groups": groups}


@admin.register(User)
class UserAdmin(ServiceActionsMixin, HistoryKeptMixin, DjangoUserAdmin):
    """Someone with history (memberships, hours, events…) is deactivated, not deleted."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "time_zone"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": PERSON_FIELDS}),
        (
            "Access (change it with the actions on the list)",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = [
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    # Email addresses belong to allauth's records; sign-in methods are not history.
    history_ignore_apps = ("account", "mfa", "socialaccount", "usersessions")
    actions = ["change_access", "deactivate", "reactivate"]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            # The form has already set the new values on ``obj``: compare with the row.
            services.user_update(
                actor=request.user,
                user=User.objects.get(pk=obj.pk),
                **{name: form.cleaned_data[name] for name in PERSON_FIELDS},
            )
        else:
            user = services.user_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
            obj.pk = user.pk

    def user_change_password(self, request, id, form_url=""):
        """Django's page, replaced by one whose save goes through ``user_password_set``."""
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404("Not found.")
        if not request.user.is_superuser:
            raise PermissionDenied
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            password = form.cleaned_data["new_password1"]
            services.user_password_set(actor=request.user, user=user, password=password)
            if user.pk == request.user.pk:
                update_session_auth_hash(request, User.objects.get(pk=user.pk))
            self.message_user(request, "Password set.", messages.SUCCESS)
            return redirect(reverse("admin:accounts_user_change", args=[user.pk]))
        return self.service_page(request, title=f"Set password: {user}", form=form, objects=[user])

    def has_superuser_permission(self, request) -> bool:
        return request.user.is_superuser

    @admin.action(description="Change access (staff, superuser, groups)", permissions=["superuser"])
    def change_access(self, request, queryset):
        def change(user, **access):
            services.user_access_change(actor=request.user, user=user, **access)

        return self.run_service(
            request,
            queryset,
            change,
            done="Access changed",
            form_class=partial(AccessForm, initial=_current_access(queryset)),
            title="Change access",
        )

    @admin.action(description="Deactivate the selected people", permissions=["service"])
    def deactivate(self, request, queryset):
        def deactivate(user):
            services.user_deactivate(actor=request.user, user=user)

        return self.run_service(
            request,
            queryset,
            deactivate,
            done="Deactivated",
            form_class=ConfirmForm,
            title="Deactivate (they can no longer sign in)",
        )

    @admin.action(description="Reactivate the selected people", permissions=["service"])
    def reactivate(self, request, queryset):
        def reactivate(user):
            services.user_reactivate(actor=request.user, user=user)

        return self.run_service(request, queryset, reactivate, done="Reactivated")
