"""A create form posted twice creates once.

The form carries a random token (a hidden field, new each time the form is shown). The
service claims the token for its actor in the same transaction as the row it creates: a
replay of the same post (a retry after a timeout, a resent request) finds the claim and gets
the row the first post created. A post without a token is a fresh create, as before. If the
first post fails, its claim rolls back with it, so the corrected form can be sent again.
"""

import uuid

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from softwaresupp.models import FormSubmission

REPLAYED_ELSEWHERE = "This form was already sent. Reload the page to send a new one."


class SubmittedOnceForm(forms.Form):
    """Adds the token; a layout that lists its fields must list ``submission`` too."""

    submission = forms.UUIDField(required=False, widget=forms.HiddenInput, initial=uuid.uuid4)


def submission_replayed(*, actor, token, model):
    """The ``model`` row an earlier post with this token created, or None once the token is
    claimed for this post. Call inside the service's transaction, before creating. Two posts
    at once: on PostgreSQL the second waits on the unique index for the first to commit."""
    if token is None:
        return None
    try:
        with transaction.atomic():
            FormSubmission.objects.create(user=actor, token=token)
        return None
    except IntegrityError:
        earlier = FormSubmission.objects.get(user=actor, token=token).target
    if not isinstance(earlier, model):
        raise ValidationError(REPLAYED_ELSEWHERE)
    return earlier


def submission_record(*, actor, token, target) -> None:
    """What the post claiming ``token`` created, for its replays."""
    if token is None:
        return
    FormSubmission.objects.filter(user=actor, token=token).update(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    )
