"""The credentials vault (R-SECRET): submit, replace, delete (the customer), request (an
assigned expert), reveal (an assigned expert or staff, after re-authenticating)."""

import time

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers

from onboarding import selectors
from onboarding.forms import CredentialForm, CredentialRequestForm, SecretForm
from onboarding.models import Credential
from onboarding.services import (
    credential_delete,
    credential_replace,
    credential_request,
    credential_reveal,
    credential_store,
)
from onboarding.services.access import is_member
from onboarding.services.vault import CredentialUnreadable, credential_decrypt
from projects.models import Assignment, Project
from softwaresupp.forms import apply_validation_error
from softwaresupp.http import post_required_after_lookup
from softwaresupp.tenancy import get_visible_or_404


def _no_store(response):
    """A revealed secret must not be kept by the browser or any cache on the way."""
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["Pragma"] = "no-cache"
    return response


def _keeps_vault(user, organization) -> bool:
    return user.sees_everything or is_member(user, organization)


@login_required
def credential_new(request, slug):
    organization = selectors.checklist_organization(user=request.user, slug=slug)
    if not _keeps_vault(request.user, organization):
        raise Http404("No organization found.")
    form = CredentialForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            credential = credential_store(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{credential.label} is stored, encrypted.")
            return redirect("onboarding:checklist", slug=organization.slug)
    return _no_store(
        render(
            request, "onboarding/credential_form.html", {"form": form, "organization": organization}
        )
    )


@login_required
def credential_detail(request, pk):
    credential = selectors.credential_get(user=request.user, pk=pk)
    user = request.user
    can_reveal = Credential.objects.revealable_by(user).filter(pk=pk).exists()
    return render(
        request,
        "onboarding/credential_detail.html",
        {
            "credential": credential,
            "is_member": _keeps_vault(user, credential.organization),
            "can_reveal": can_reveal,
            "reveals": selectors.reveal_log(credential),
        },
    )


# The POST that reveals leaves a grant for this many seconds; the GET after the redirect
# spends it. The session holds the grant, never the secret.
REVEAL_GRANT_SECONDS = 60
REVEAL_GRANT_KEY = "vault_reveal_grant"


@login_required
def credential_reveal_view(request, pk):
    """R-SECRET: POST reveals (after a fresh re-authentication, logged) and redirects; the
    GET it redirects to shows the secret once, answered with no-cache headers."""
    credential = selectors.credential_revealable(user=request.user, pk=pk)
    if request.method == "POST":
        return _reveal(request, credential)
    grant = request.session.pop(REVEAL_GRANT_KEY, None) or {}
    if grant.get("pk") != credential.pk or grant.get("until", 0) < time.time():
        return redirect(credential)
    try:
        secret = credential_decrypt(credential)
    except CredentialUnreadable as error:
        messages.error(request, str(error))
        return redirect(credential)
    return _no_store(
        render(
            request,
            "onboarding/credential_reveal.html",
            {"credential": credential, "secret": secret},
        )
    )


@reauthentication_required
def _reveal(request, credential):
    """Only after a fresh sign-in check (allauth re-authentication)."""
    try:
        credential_reveal(
            actor=request.user, credential=credential, ip=request.META.get("REMOTE_ADDR", "")
        )
    except CredentialUnreadable as error:
        messages.error(request, str(error))
        return redirect(credential)
    request.session[REVEAL_GRANT_KEY] = {
        "pk": credential.pk,
        "until": time.time() + REVEAL_GRANT_SECONDS,
    }
    return _no_store(redirect("onboarding:credential_reveal", pk=credential.pk))


@login_required
def credential_replace_view(request, pk):
    credential = selectors.credential_get(user=request.user, pk=pk)
    if not _keeps_vault(request.user, credential.organization):
        raise Http404("No credential found.")
    form = SecretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credential_replace(actor=request.user, credential=credential, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{credential.label} is replaced.")
            return redirect(credential)
    return _no_store(
        render(
            request, "onboarding/credential_replace.html", {"form": form, "credential": credential}
        )
    )


@login_required
def credential_delete_view(request, pk):
    credential = selectors.credential_get(user=request.user, pk=pk)
    if refused := post_required_after_lookup(request):
        return refused
    try:
        credential_delete(actor=request.user, credential=credential)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(credential)
    messages.success(request, f"{credential.label} is deleted.")
    return redirect("onboarding:checklist", slug=credential.organization.slug)


@login_required
def credential_request_view(request, pk):
    """An expert assigned to the project asks the customer for a login."""
    project = get_visible_or_404(
        Project.objects.select_related("organization"), request.user, pk=pk
    )
    assigned = Assignment.objects.current().filter(expert=request.user, project=project)
    if not (request.user.sees_everything or assigned.exists()):
        raise Http404("No project found.")
    form = CredentialRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Staff see the page; the service refuses anyone not assigned (403).
        credential_request(actor=request.user, project=project, **form.cleaned_data)
        messages.success(request, "Requested: the customer gets a link to submit it securely.")
        return redirect("onboarding:checklist", slug=project.organization.slug)
    return render(request, "onboarding/credential_request.html", {"form": form, "project": project})


@login_required
def credential_submit(request, token):
    """The one-time link from an expert's request: a member of the customer submits the
    credential through the secure form; once used, the link is spent."""
    credential_request_row = selectors.credential_request_get(user=request.user, token=token)
    if not credential_request_row.can_fulfil():
        return render(request, "onboarding/credential_link_spent.html", status=410)
    form = SecretForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credential = credential_store(
                actor=request.user,
                project=credential_request_row.project,
                label=credential_request_row.label,
                request=credential_request_row,
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{credential.label} is stored; the expert is told.")
            return redirect("onboarding:checklist", slug=credential.organization.slug)
    return _no_store(
        render(
            request,
            "onboarding/credential_submit.html",
            {"form": form, "request_row": credential_request_row},
        )
    )
