"""Base admin classes for rows that change only through services (rules, history, email)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from softwaresupp.models import Event


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


def refusal_text(error: ValidationError | PermissionDenied) -> str:
    """What a service said when it refused, as one line for an admin message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or "You are not allowed to do that."


def has_history(obj, *, ignore_apps=()) -> bool:
    """Whether anything refers to ``obj``: an event about it or any row pointing at it
    (events, projects, hours, memberships…), apart from those of ``ignore_apps``."""
    events = Event.objects.filter(
        target_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        target_id=obj.pk,
    )
    if events.exists():
        return True
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        if relation.many_to_many or relation.related_model._meta.app_label in ignore_apps:
            continue
        rows = relation.related_model._base_manager.filter(**{relation.field.name: obj})
        if rows.exists():
            return True
    return False


class HistoryKeptMixin:
    """Rows with history are kept: the event log and the rows it describes are never
    deleted from admin (no delete button, a refused delete page and bulk action)."""

    history_ignore_apps: tuple[str, ...] = ()

    def has_delete_permission(self, request, obj=None):
        if obj is not None and has_history(obj, ignore_apps=self.history_ignore_apps):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = [
            f"{obj}: has history, so it is kept"
            for obj in objs
            if has_history(obj, ignore_apps=self.history_ignore_apps)
        ]
        return to_delete, counts, perms_needed, [*protected, *kept]


class ServiceActionsMixin:
    """Writes through services (rules checked, event recorded): admin actions, optionally
    asking for a small form on an intermediate page, and an "Edit" page whose form calls a
    service. A refusal is a message or a form error, not a 500.

    Set ``edit_form`` (a plain form) and implement ``edit_save``; declare actions with
    ``permissions=["service"]`` and run their service through ``run_service``.
    """

    edit_form = None
    change_form_template = "admin/service_change_form.html"

    def has_service_permission(self, request) -> bool:
        """Writing through services takes the model's "change" permission."""
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    def edit_initial(self, obj) -> dict:
        initial = {}
        for name in self.edit_form.base_fields:
            value = getattr(obj, name)
            initial[name] = list(value.all()) if hasattr(value, "all") else value
        return initial

    def edit_save(self, request, obj, data: dict) -> None:
        """An admin with an ``edit_form`` saves it here, through its service."""
        raise NotImplementedError(f"{type(self).__name__} has an edit form but no edit_save")

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_edit"
        edit = path("<path:object_id>/edit/", self.admin_site.admin_view(self.edit_view), name=name)
        return [edit, *super().get_urls()]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["service_edit"] = bool(
            self.edit_form and obj is not None and self.has_service_permission(request)
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def edit_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None or self.edit_form is None:
            raise Http404("Not found.")
        if not self.has_service_permission(request):
            raise PermissionDenied
        form = self.edit_form(request.POST or None, initial=self.edit_initial(obj))
        if request.method == "POST" and form.is_valid():
            try:
                self.edit_save(request, obj, form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                _add_refusal(form, error)
            else:
                self.message_user(request, f"{obj} saved.", messages.SUCCESS)
                change = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
                return redirect(reverse(change, args=[obj.pk]))
        return self.service_page(request, title=f"Edit {obj}", form=form, objects=[obj])

    def run_service(self, request, queryset, service, *, done: str, form_class=None, title=""):
        """Apply ``service(obj, **form data)`` to each selected row. With ``form_class``
        (an empty form for a plain confirmation), first ask on an intermediate page.
        Rows the service refuses are named in a message; the others go ahead."""
        data = {}
        if form_class is not None:
            form = form_class(request.POST if "apply" in request.POST else None)
            if not form.is_valid():
                return self.service_page(request, title=title, form=form, objects=queryset)
            data = form.cleaned_data
        count = 0
        for obj in queryset:
            try:
                service(obj, **data)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{obj}: {refusal_text(error)}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, f"{done}: {count}.", messages.SUCCESS)
        return None

    def service_page(self, request, *, title: str, form, objects):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "objects": list(objects),
            "action": request.POST.get("action", ""),
        }
        return TemplateResponse(request, "admin/service_form.html", context)


class ServiceAdmin(ServiceActionsMixin, HistoryKeptMixin, ViewOnlyAdmin):
    """View-only; changed only through services; kept once it has history."""


def _add_refusal(form, error) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal_text(error))


def service_form(model, fields) -> type[forms.Form]:
    """A plain form with the model's own fields (labels, choices, validators) that saves
    nothing itself: the admin's ``edit_save`` hands its data to a service."""
    attrs = forms.fields_for_model(model, fields=fields, formfield_callback=_formfield)
    return type(f"{model.__name__}ServiceForm", (forms.Form,), attrs)


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ConfirmForm(forms.Form):
    """Nothing to fill in: an action's intermediate page that only asks to confirm."""
