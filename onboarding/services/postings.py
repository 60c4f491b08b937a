"""Postings and offers (R-MATCH): a customer posts, matching experts offer, and the
customer — only the customer — chooses (R-WELCOME follows the choice)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import NETWORK_RULES, ExpertProfile, Membership
from onboarding.models import Offer, Posting, Stakeholder, ToolAccess
from payments.selectors.rates import expert_rate_on, region_minimum
from payments.services.rates import assignment_rate_agree
from projects.posting_rights import may_post_for, may_post_for_project
from projects.services.projects import assignment_open
from softwaresupp.events import changes_apply, event_record
from softwaresupp.notifications import absolute_url, notify
from softwaresupp.outbox import outbox_batch

POSTING_FIELDS = (
    "title",
    "scope",
    "engagement_type",
    "hours_per_week",
    "starts_on",
    "budget_min",
    "budget_max",
    "preferred_regions",
)
OFFER_FIELDS = (
    "hourly_rate",
    "hours_per_week",
    "starts_on",
    "estimate_hours",
    "experience",
    "message",
)


def _is_member(user, organization) -> bool:
    return Membership.objects.of(user, organization).exists()


def _is_owner(user, organization) -> bool:
    return Membership.objects.of(user, organization).owners().exists()


def _posts_on_behalf(actor, organization) -> bool:
    """Whether ``actor`` posts for the customer as the expert of its lead (R-MATCH); a
    member or staff posts as themselves; anyone else is refused."""
    if actor.sees_everything or _is_member(actor, organization):
        return False
    if may_post_for(actor, organization):
        return True
    raise PermissionDenied("Only the customer's members, staff or its lead's expert post for it.")


def _check_project_posted_for(actor, project) -> None:
    """R-MATCH: on the customer's behalf one posts only for a project one's right covers:
    the lead's expert for the project they planned, not for the customer's others. (That
    the project is the organization's, for everyone, is the model's check.)"""
    if not may_post_for_project(actor, project):
        raise ValidationError(
            {
                "project": "As the lead's expert you can post only for the project you "
                "planned with this customer."
            }
        )


@transaction.atomic
def posting_create(*, actor, organization, project, skills, **fields) -> Posting:
    """R-MATCH: a customer's member, staff, or the expert of the customer's lead (for the
    project they planned with it) posts a project that needs an expert; the announcement
    job emails the matching experts once.
    A posting made on the customer's behalf is the customer's to decide: its owners are
    told, once."""
    on_behalf = _posts_on_behalf(actor, organization)
    if on_behalf:
        _check_project_posted_for(actor, project)
    skills = list(skills)
    if not skills:
        raise ValidationError({"skills": "Choose at least one technology."})
    fields = {k: v for k, v in fields.items() if k in POSTING_FIELDS}
    posting = Posting(
        organization=organization,
        project=project,
        created_by=actor,
        on_behalf=on_behalf,
        **fields,
    )
    posting.full_clean()
    posting.save()
    posting.skills.set(skills)
    technology = ", ".join(sorted(str(s) for s in skills))
    event_record(
        actor=actor,
        target=posting,
        organization=organization,
        verb="posted for the customer" if on_behalf else "posted",
        changes={"status": (None, posting.get_status_display())},
        note=technology,
    )
    if on_behalf:
        notify(
            template="posting_on_behalf",
            recipients=_owners(organization),
            key=f"posting_on_behalf:{posting.pk}",
            context={
                "posting": posting,
                "expert": actor,
                "technology": technology,
                "posting_url": absolute_url(posting.get_absolute_url()),
            },
        )
    return posting


def _owners(organization) -> list:
    return [
        m.user
        for m in Membership.objects.filter(organization=organization)
        .owners()
        .select_related("user")
    ]


@transaction.atomic
def posting_close(*, actor, posting: Posting, reason: str = "") -> Posting:
    """R-MATCH: the customer (who would choose: an owner) or staff closes an open posting
    without choosing. Every waiting offer is declined and its expert told, once; matching
    experts no longer see it, those who offered see it closed."""
    posting = _lock_posting(posting)
    if not (actor.sees_everything or _is_owner(actor, posting.organization)):
        raise PermissionDenied("Only an owner of the customer or staff closes a posting.")
    if not posting.is_open:
        raise ValidationError(
            "This posting is closed already."
            if posting.status == Posting.Status.CLOSED
            else posting.decided_text
        )
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": "At most 2000 characters."})
    now = timezone.now()
    posting.status, posting.closed_at, posting.close_reason = Posting.Status.CLOSED, now, reason
    posting.save(update_fields=["status", "closed_at", "close_reason"])
    waiting = list(
        posting.offers.select_for_update()
        .filter(status=Offer.Status.SENT)
        .select_related("expert")
        .order_by("pk")
    )
    posting.offers.filter(pk__in=[o.pk for o in waiting]).update(
        status=Offer.Status.DECLINED, shortlisted=False, updated_at=now
    )
    event_record(
        actor=actor,
        target=posting,
        organization=posting.organization,
        verb="closed without a choice",
        changes={"status": (Posting.Status.OPEN.label, Posting.Status.CLOSED.label)},
        note=f"{len(waiting)} offer(s) declined" + (f"; {reason}" if reason else ""),
    )
    with outbox_batch():
        _tell_experts(posting, waiting, template="posting_closed")
    return posting


def _tell_experts(posting: Posting, offers, *, template: str) -> None:
    """Each expert whose offer the posting's outcome declined, once per offer."""
    posting_url = absolute_url(posting.get_absolute_url())
    for offer in offers:
        notify(
            template=template,
            recipients=[offer.expert],
            key=f"{template}:{offer.pk}",
            context={"posting": posting, "offer": offer, "posting_url": posting_url},
        )


def matching_experts(posting: Posting):
    """Onboarded experts sharing at least one of the posting's skills (R-MATCH)."""
    return (
        ExpertProfile.objects.onboarded()
        .filter(skills__in=posting.skills.all(), user__is_active=True)
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def postings_announce(*, now=None) -> int:
    """R-MATCH: email each open posting not yet announced to its matching experts, once
    (a key per posting and expert: a second or concurrent run queues nothing again).
    Returns how many postings were announced."""
    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        due = list(
            Posting.objects.select_for_update(skip_locked=True)
            .filter(status=Posting.Status.OPEN, announced_at__isnull=True)
            .order_by("pk")
        )
        with outbox_batch():
            for posting in due:
                url = absolute_url(posting.get_absolute_url())
                for profile in matching_experts(posting):
                    notify(
                        template="posting_open",
                        recipients=[profile.user],
                        key=f"posting_open:{posting.pk}",
                        context={"posting": posting, "posting_url": url},
                    )
                posting.announced_at = now
                posting.save(update_fields=["announced_at"])
                count += 1
    return count


def _lock_posting(posting: Posting) -> Posting:
    return Posting.objects.select_for_update().get(pk=posting.pk)


def _check_offer_rate(expert, profile, hourly_rate) -> None:
    """R-RATE-MIN: an offer is the customer's rate, so it is never under the region's
    minimum nor under the expert's own rate."""
    minimum = region_minimum(profile.region)
    if hourly_rate < minimum:
        raise ValidationError(
            {
                "hourly_rate": f"The minimum for experts in {profile.get_region_display()} "
                f"is ${minimum}/h; it is non-negotiable."
            }
        )
    own = expert_rate_on(expert, timezone.now().date()) or profile.hourly_rate
    if hourly_rate < own:
        raise ValidationError(
            {"hourly_rate": f"An offer cannot be below your own rate (${own}/h)."}
        )


@transaction.atomic
def offer_send(*, actor, posting: Posting, **fields) -> Offer:
    """R-MATCH: an onboarded expert sends (or edits) their one offer while the posting is
    open; a withdrawn offer may be sent again."""
    # Read fresh, not the relation cached on ``actor``: onboarding may have just changed.
    profile = ExpertProfile.objects.filter(user=actor).first()
    if profile is None:
        raise PermissionDenied("Only experts of the network send offers.")
    if refusal := profile.onboarding_refusal():
        raise ValidationError(refusal.replace("This expert has", "You have"))
    posting = _lock_posting(posting)
    if not posting.is_open:
        raise ValidationError(posting.decided_text)
    fields = {k: v for k, v in fields.items() if k in OFFER_FIELDS}
    _check_offer_rate(actor, profile, fields.get("hourly_rate") or 0)
    offer = Offer.objects.select_for_update().filter(posting=posting, expert=actor).first()
    if offer is None:
        offer = Offer(
            posting=posting, organization_id=posting.organization_id, expert=actor, **fields
        )
        verb, changes = "offer sent", {"status": (None, Offer.Status.SENT.label)}
    else:
        if offer.status not in (Offer.Status.SENT, Offer.Status.WITHDRAWN):
            raise ValidationError("This offer can no longer change.")
        verb = "offer updated"
        changes = changes_apply(offer, {**fields, "status": Offer.Status.SENT})
    offer.updated_at = timezone.now()
    offer.full_clean()
    offer.save()
    event_record(
        actor=actor, target=offer, organization=posting.organization, verb=verb, changes=changes
    )
    return offer


def _lock_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().select_related("posting").get(pk=offer.pk)


@transaction.atomic
def offer_withdraw(*, actor, offer: Offer) -> Offer:
    """The expert takes their offer back before the choice (R-MATCH)."""
    posting = _lock_posting(offer.posting)
    offer = _lock_offer(offer)
    if offer.expert_id != actor.pk:
        raise PermissionDenied("Only the expert who sent it withdraws an offer.")
    if not posting.is_open:
        raise ValidationError(posting.decided_text)
    if not offer.is_editable:
        raise ValidationError("This offer can no longer be withdrawn.")
    offer.status = Offer.Status.WITHDRAWN
    offer.shortlisted = False
    offer.updated_at = timezone.now()
    offer.save(update_fields=["status", "shortlisted", "updated_at"])
    event_record(
        actor=actor,
        target=offer,
        organization=offer.organization,
        verb="offer withdrawn",
        changes={"status": (Offer.Status.SENT.label, Offer.Status.WITHDRAWN.label)},
    )
    return offer


@transaction.atomic
def offer_shortlist_set(*, actor, offer: Offer, shortlisted: bool) -> Offer:
    """The customer keeps an offer on (or off) their shortlist while comparing."""
    offer = _lock_offer(offer)
    if not _is_member(actor, offer.organization):
        raise PermissionDenied("Only the customer shortlists offers.")
    if offer.status != Offer.Status.SENT or not offer.posting.is_open:
        raise ValidationError("Only offers still waiting for the choice can be shortlisted.")
    if offer.shortlisted != shortlisted:
        offer.shortlisted = shortlisted
        offer.save(update_fields=["shortlisted"])
        event_record(
            actor=actor,
            target=offer,
            organization=offer.organization,
            verb="offer shortlisted" if shortlisted else "offer unshortlisted",
            changes={"shortlisted": (not shortlisted, shortlisted)},
        )
    return offer


@transaction.atomic
def offer_suggest_set(*, actor, offer: Offer, suggested: bool) -> Offer:
    """R-MATCH: staff may suggest an expert; the customer still decides."""
    if not actor.sees_everything:
        raise PermissionDenied("Only SoftwareSupp staff suggest an expert.")
    offer = _lock_offer(offer)
    if offer.status != Offer.Status.SENT or not offer.posting.is_open:
        raise ValidationError("Only offers still waiting for the choice can be suggested.")
    before = offer.suggested_at is not None
    if before != suggested:
        offer.suggested_by = actor if suggested else None
        offer.suggested_at = timezone.now() if suggested else None
        offer.save(update_fields=["suggested_by", "suggested_at"])
        event_record(
            actor=actor,
            target=offer,
            organization=offer.organization,
            verb="offer suggested" if suggested else "suggestion withdrawn",
            changes={"suggested": (before, suggested)},
        )
    return offer


@transaction.atomic
def offer_choose(*, actor, offer: Offer) -> Offer:
    """R-MATCH / R-WELCOME: only an owner of the customer chooses (staff may suggest, never
    decide). The choice assigns the expert with the offer's rate as the customer rate
    (R-RATE-MIN, checked again by ``assignment_rate_agree``), declines the other offers
    (each expert told) and sends both welcome emails, once each."""
    posting = _lock_posting(offer.posting)
    offer = _lock_offer(offer)
    if not _is_owner(actor, posting.organization):
        raise PermissionDenied("Only an owner of the customer chooses the expert.")
    if not posting.is_open:
        raise ValidationError(posting.decided_text)
    if offer.status != Offer.Status.SENT:
        raise ValidationError("This offer was withdrawn; choose another one.")
    today = timezone.now().date()
    assignment = assignment_open(
        actor=actor,
        project=posting.project,
        expert=offer.expert,
        starts_on=max(offer.starts_on, today),
    )
    assignment_rate_agree(
        actor=actor,
        assignment=assignment,
        customer_rate=offer.hourly_rate,
        effective_from=assignment.starts_on,
    )
    now = timezone.now()
    offer.status = Offer.Status.CHOSEN
    offer.updated_at = now
    offer.save(update_fields=["status", "updated_at"])
    posting.status, posting.chosen_at = Posting.Status.CHOSEN, now
    posting.save(update_fields=["status", "chosen_at"])
    others = list(
        posting.offers.select_for_update()
        .filter(status=Offer.Status.SENT)
        .exclude(pk=offer.pk)
        .select_related("expert")
    )
    posting.offers.filter(pk__in=[o.pk for o in others]).update(
        status=Offer.Status.DECLINED, updated_at=now
    )
    event_record(
        actor=actor,
        target=posting,
        organization=posting.organization,
        verb="expert chosen",
        changes={"status": (Posting.Status.OPEN.label, Posting.Status.CHOSEN.label)},
        note=f"{offer.expert} at ${offer.hourly_rate}/h; {len(others)} other offer(s) declined",
    )
    with outbox_batch():
        _tell_experts(posting, others, template="posting_declined")
        _welcome(actor=actor, posting=posting, offer=offer, assignment=assignment)
    return offer


def _welcome(*, actor, posting, offer, assignment) -> None:
    """R-WELCOME: one email to the customer (the chooser and the owners) and one to the
    expert, each keyed by the posting so it is sent once."""
    organization = posting.organization
    project = posting.project
    board_url = absolute_url(project.get_absolute_url())
    customers = [actor, *_owners(organization)]
    notify(
        template="welcome_customer",
        recipients=customers,
        key=f"welcome_customer:{posting.pk}",
        context={
            "organization": organization,
            "project": project,
            "expert": offer.expert,
            "mailbox": offer.expert.expert_profile.mailbox,
            "offer": offer,
            "board_url": board_url,
            "queries_url": absolute_url(reverse("queries:list")),
            "onboarding_url": absolute_url(
                reverse("onboarding:checklist", kwargs={"slug": organization.slug})
            ),
        },
    )
    notify(
        template="welcome_expert",
        recipients=[offer.expert],
        key=f"welcome_expert:{posting.pk}",
        context={
            "organization": organization,
            "project": project,
            "assignment": assignment,
            "offer": offer,
            "stakeholders": list(Stakeholder.objects.filter(organization=organization)),
            "tools": list(ToolAccess.objects.filter(organization=organization)),
            "rules": NETWORK_RULES,
            "board_url": board_url,
            "onboarding_url": absolute_url(
                reverse("onboarding:checklist", kwargs={"slug": organization.slug})
            ),
        },
    )
