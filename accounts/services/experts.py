"""Writes for the network's experts: profiles, rates and certification (R-EXPERT-ONBOARD)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import NETWORK_RULES_VERSION, ExpertProfile, User
from softwaresupp.events import changes_apply, event_record, related_names_set

# The rate is set once here, on creation; every later change goes through the payments
# rate service, which dates it and checks it against customer rates (R-RATE-MIN).
EXPERT_PROFILE_FIELDS = ("region", "country", "availability")


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


def _require_staff(actor: User) -> None:
    if not actor.sees_everything:
        raise PermissionDenied("Only SoftwareSupp staff manage experts' profiles.")


def _lock(profile: ExpertProfile) -> ExpertProfile:
    return ExpertProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)


@transaction.atomic
def expert_profile_update(
    *, actor: User, profile: ExpertProfile, skills=None, **fields
) -> ExpertProfile:
    """Staff change an expert's region, country or availability, recorded from → to."""
    _require_staff(actor)
    unknown = set(fields) - set(EXPERT_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    profile = _lock(profile)
    changes = changes_apply(profile, fields)
    profile.full_clean()
    if changes:
        profile.save(update_fields=list(changes))
    if skills is not None and (skill_names := related_names_set(profile.skills, skills)):
        changes["skills"] = skill_names
    if changes:
        event_record(actor=actor, target=profile, verb="updated", changes=changes)
    return profile


@transaction.atomic
def expert_profile_certify(*, actor: User, profile: ExpertProfile) -> ExpertProfile:
    """R-EXPERT-ONBOARD: certification is what lets staff assign the expert to projects."""
    _require_staff(actor)
    profile = _lock(profile)
    if profile.is_certified:
        raise ValidationError("This expert is already certified.")
    profile.certified_at = timezone.now()
    profile.save(update_fields=["certified_at"])
    event_record(
        actor=actor,
        target=profile,
        verb="certified",
        changes={"certified_at": (None, f"{profile.certified_at:%Y-%m-%d %H:%M} UTC")},
    )
    return profile


@transaction.atomic
def expert_profile_uncertify(*, actor: User, profile: ExpertProfile) -> ExpertProfile:
    """Withdraw certification. Refused while an assignment of the expert lasts today or
    later (R-EXPERT-ONBOARD: nobody works on a project uncertified): end those first."""
    _require_staff(actor)
    profile = _lock(profile)
    if not profile.is_certified:
        raise ValidationError("This expert is not certified.")
    today = timezone.now().date()
    # Assignments belong to projects, which builds on accounts: read through the reverse
    # relation rather than importing the app above this one.
    lasting = profile.user.assignments.overlapping(today, date.max)
    projects = sorted({str(assignment.project) for assignment in lasting.select_related("project")})
    if projects:
        raise ValidationError(
            f"This expert is still assigned to {', '.join(projects)}; end those assignments first."
        )
    before, profile.certified_at = profile.certified_at, None
    profile.save(update_fields=["certified_at"])
    event_record(
        actor=actor,
        target=profile,
        verb="uncertified",
        changes={"certified_at": (f"{before:%Y-%m-%d %H:%M} UTC", None)},
    )
    return profile


def _require_self_or_staff(actor: User, profile: ExpertProfile) -> None:
    if actor.pk != profile.user_id and not actor.sees_everything:
        raise PermissionDenied("Only the expert or SoftwareSupp staff complete this profile.")


@transaction.atomic
def expert_profile_complete(
    *, actor: User, profile: ExpertProfile, skills, availability: str
) -> ExpertProfile:
    """R-EXPERT-ONBOARD, the profile step: the expert names their skills and availability
    (region and rate are agreed with staff on creation; rate changes are dated by payments)."""
    _require_self_or_staff(actor, profile)
    profile = _lock(profile)
    skills = list(skills)
    if not skills:
        raise ValidationError({"skills": "Choose at least one skill."})
    changes = changes_apply(profile, {"availability": availability})
    profile.full_clean()
    if changes:
        profile.save(update_fields=list(changes))
    if skill_names := related_names_set(profile.skills, skills):
        changes["skills"] = skill_names
    if changes:
        event_record(actor=actor, target=profile, verb="profile completed", changes=changes)
    return profile


@transaction.atomic
def expert_rules_accept(*, actor: User, profile: ExpertProfile) -> ExpertProfile:
    """R-EXPERT-ONBOARD: the expert themselves accepts the network's rules; the version
    and the moment are kept (a new version asks again)."""
    if actor.pk != profile.user_id:
        raise PermissionDenied("Only the expert accepts the network's rules.")
    profile = _lock(profile)
    # Accepting again only moves the time: the latest acceptance is the one kept.
    before = profile.rules_version or None
    profile.rules_version = NETWORK_RULES_VERSION
    profile.rules_accepted_at = timezone.now()
    profile.save(update_fields=["rules_version", "rules_accepted_at"])
    event_record(
        actor=actor,
        target=profile,
        verb="rules accepted",
        changes={"rules_version": (before, NETWORK_RULES_VERSION)},
        note=f"{profile.rules_accepted_at:%Y-%m-%d %H:%M} UTC",
    )
    return profile
