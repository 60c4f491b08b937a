"""Writes for the network's experts: profiles, rates and certification (R-EXPERT-ONBOARD)."""

from django.db import IntegrityError, transaction

from accounts.models import ExpertProfile, User
from softwaresupp.events import event_record


@transaction.atomic
def expert_profile_create(
    *,
    actor: User | None,
    user: User,
    region: str,
    country: str,
    hourly_rate,
    availability: str = ExpertProfile.Availability.FULL_TIME,
    skills=(),
    certified_at=None,
) -> ExpertProfile:
    """Make ``user`` an expert; the mailbox address is assigned on creation (R-MAILBOX)."""
    profile = ExpertProfile(
        user=user,
        region=region,
        country=country,
        hourly_rate=hourly_rate,
        availability=availability,
        certified_at=certified_at,
    )
    profile.full_clean(exclude=["mailbox"])
    for attempt in range(3):
        try:
            with transaction.atomic():
                profile.mailbox = ""
                profile.save()
            break
        except IntegrityError:
            # Another expert with the same name took the address between look-up and insert.
            if attempt == 2:
                raise
    profile.skills.set(skills)
    event_record(actor=actor, target=profile, verb="created", note=profile.mailbox)
    return profile
