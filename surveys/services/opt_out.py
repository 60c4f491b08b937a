"""Who receives an organization's weekly survey (R-NPS): every member, unless they opted
out or an owner chose so."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts.models import Membership
from softwaresupp.events import event_record
from surveys.models import SurveyOptOut


def can_choose_receiver(actor, organization, user) -> bool:
    """Members choose for themselves; owners for anyone in their organization."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.pk == user.pk:
        return Membership.objects.of(actor, organization).exists()
    return Membership.objects.of(actor, organization).owners().exists()


@transaction.atomic
def survey_opt_out_set(*, actor, organization, user, receives: bool) -> bool:
    """R-NPS: ``user`` does (``receives``) or does not receive ``organization``'s weekly
    survey from the next one on; self or an owner. Returns whether anything changed."""
    membership = (
        Membership.objects.select_for_update().filter(organization=organization, user=user).first()
    )
    if membership is None or not can_choose_receiver(actor, organization, user):
        raise PermissionDenied("Only the member or an owner can choose who receives the survey.")
    current = SurveyOptOut.objects.filter(organization=organization, user=user)
    if receives:
        changed = current.delete()[0] > 0
    else:
        changed = not current.exists()
        if changed:
            SurveyOptOut.objects.create(organization=organization, user=user, chosen_by=actor)
    if changed:
        event_record(
            actor=actor,
            target=organization,
            verb="survey opt-in" if receives else "survey opt-out",
            changes={"receives survey": (not receives, receives)},
            organization=organization,
            note=user.email,
        )
    return changed
