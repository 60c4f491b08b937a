"""The lead pipeline (R-LEAD): registering a lead, moving it one stage at a time, the
outcome (won or lost with a reason) and the 7-day reminder when a lead stands still."""

from datetime import UTC, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from leads.models import Lead
from softwaresupp.events import changes_apply, event_record, related_names_set
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.outbox import outbox_batch

LEAD_FIELDS = ("company", "contact_name", "contact_email", "need", "handling")
# R-LEAD: an open lead unchanged this long reminds its expert to report, once a week.
REMINDER_AFTER = timedelta(days=7)


def _require_expert(actor: User) -> None:
    if not actor.is_expert:
        raise PermissionDenied("Only experts of the network register leads.")


def _lock(lead: Lead) -> Lead:
    return Lead.objects.select_for_update().select_related("expert").get(pk=lead.pk)


def _require_own(actor: User, lead: Lead) -> None:
    if lead.expert_id != actor.pk:
        raise PermissionDenied("Only the expert who registered the lead moves it.")


def _require_open(lead: Lead) -> None:
    if not lead.is_open:
        raise ValidationError(f"This lead is {lead.get_stage_display().lower()}: it is closed.")


def _check_not_self(actor: User, contact_email: str) -> None:
    if contact_email.strip().lower() == actor.email.lower():
        raise ValidationError({"contact_email": "You cannot register yourself as a lead."})


@transaction.atomic
def lead_create(
    *,
    actor: User,
    company: str,
    contact_name: str,
    contact_email: str,
    need: str,
    technology=(),
    handling: str = Lead.Handling.SELF,
) -> Lead:
    """R-LEAD: an expert registers a lead; it starts as new. The expert chooses to handle the
    customer (priority as their expert) or to pass it to the pool (R-COMMISSION)."""
    _require_expert(actor)
    _check_not_self(actor, contact_email)
    lead = Lead(
        expert=actor,
        company=company.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        need=need.strip(),
        handling=handling,
    )
    lead.full_clean()
    lead.save()
    lead.technology.set(technology)
    event_record(
        actor=actor,
        target=lead,
        verb="lead registered",
        changes={"stage": (None, lead.get_stage_display())},
        note=lead.get_handling_display(),
    )
    return lead


@transaction.atomic
def lead_update(*, actor: User, lead: Lead, technology=None, **fields) -> Lead:
    """The lead's details and whether the expert keeps it or passes it to the pool, while
    it is open."""
    unknown = set(fields) - set(LEAD_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    lead = _lock(lead)
    _require_own(actor, lead)
    _require_open(lead)
    if "contact_email" in fields:
        _check_not_self(actor, fields["contact_email"])
        fields["contact_email"] = fields["contact_email"].strip().lower()
    for name in ("company", "contact_name", "need"):
        if name in fields:
            fields[name] = fields[name].strip()
    changes = changes_apply(lead, fields)
    if technology is not None and (names := related_names_set(lead.technology, technology)):
        changes["technology"] = names
    lead.full_clean()
    if changes:
        lead.changed_at = timezone.now()
        lead.save(update_fields=[*(set(changes) - {"technology"}), "changed_at"])
        event_record(actor=actor, target=lead, verb="lead updated", changes=changes)
    return lead


@transaction.atomic
def lead_advance(*, actor: User, lead: Lead, to: str, meeting_at=None) -> Lead:
    """R-LEAD: new → introduction → offer presented (with the meeting's date) → planning,
    one step at a time, never back and never skipping. Won and lost are outcomes
    (``lead_outcome_record``)."""
    lead = _lock(lead)
    _require_own(actor, lead)
    _require_open(lead)
    if to in (Lead.Stage.WON, Lead.Stage.LOST) or to != lead.next_stage:
        label = Lead.Stage(lead.next_stage).label.lower() if lead.next_stage else "nothing"
        raise ValidationError(
            {"stage": f"From {lead.get_stage_display().lower()} a lead moves to {label} only."}
        )
    changes = {"stage": (lead.get_stage_display(), Lead.Stage(to).label)}
    if to == Lead.Stage.OFFER_PRESENTED:
        if meeting_at is None:
            raise ValidationError(
                {"meeting_at": "Give the date of the meeting where you presented the offer."}
            )
        changes["meeting"] = (None, f"{meeting_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC")
        lead.meeting_at = meeting_at
    lead.stage, lead.changed_at = to, timezone.now()
    lead.full_clean()
    lead.save(update_fields=["stage", "meeting_at", "changed_at"])
    event_record(actor=actor, target=lead, verb="lead moved", changes=changes)
    return lead


@transaction.atomic
def lead_outcome_record(*, actor: User, lead: Lead, outcome: str, reason: str = "") -> Lead:
    """R-LEAD: the outcome, won or lost (with a reason). The expert reports it (and staff are
    told), or staff record it (and the expert is told). Won follows planning and the
    planned-work summary (R-LEAD-SUMMARY); lost may end any open stage."""
    lead = _lock(lead)
    if not (actor.sees_everything or lead.expert_id == actor.pk):
        raise PermissionDenied("Only the lead's expert and SoftwareSupp staff record outcomes.")
    _require_open(lead)
    reason = reason.strip()
    if outcome == Lead.Stage.WON:
        if lead.stage != Lead.Stage.PLANNING or not hasattr(lead, "summary"):
            raise ValidationError(
                {"outcome": "A lead is won after planning: send the planned-work summary first."}
            )
    elif outcome == Lead.Stage.LOST:
        if not reason:
            raise ValidationError({"reason": "Say why the lead was lost."})
    else:
        raise ValidationError({"outcome": "Choose won or lost."})
    changes = {"stage": (lead.get_stage_display(), Lead.Stage(outcome).label)}
    lead.stage, lead.lost_reason = outcome, reason if outcome == Lead.Stage.LOST else ""
    lead.changed_at = lead.closed_at = timezone.now()
    lead.full_clean()
    lead.save(update_fields=["stage", "lost_reason", "changed_at", "closed_at"])
    event_record(actor=actor, target=lead, verb="lead outcome", changes=changes, note=reason)
    by_staff = actor.pk != lead.expert_id
    notify(
        template="lead_outcome",
        recipients=[lead.expert] if by_staff else [settings.STAFF_ALERT_EMAIL],
        context={
            "lead": lead,
            "by_staff": by_staff,
            "actor": str(actor),
            "reason": reason,
            "lead_url": absolute_url(lead.get_absolute_url()),
        },
        key=f"lead_outcome:{lead.pk}",
    )
    return lead


def _reminder_key(lead: Lead, now) -> str:
    """One reminder per lead per week of standing still: the week counts from the last
    change, so a change starts a new count and a run twice in a week finds the key taken."""
    weeks = (now - lead.changed_at) // REMINDER_AFTER
    return f"lead_stale:{lead.pk}:{lead.changed_at.isoformat()}:{weeks}"


def lead_reminders_send(*, now=None) -> int:
    """R-LEAD: every open lead with no change for 7 days reminds its expert to report the
    outcome or move it on; once per lead per week (the notification key), so the daily job
    run twice or late sends nothing more."""
    now = now or timezone.now()
    stale = Lead.objects.open().filter(changed_at__lte=now - REMINDER_AFTER)
    leads = list(stale.select_related("expert"))
    with transaction.atomic(), outbox_batch():
        for lead in leads:
            notify(
                template="lead_reminder",
                recipients=[lead.expert],
                context={
                    "lead": lead,
                    "days": (now - lead.changed_at).days,
                    "lead_url": absolute_url(lead.get_absolute_url()),
                },
                key=_reminder_key(lead, now),
            )
    return len(leads)
