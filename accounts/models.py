import secrets
import unicodedata
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone name such as Europe/Warsaw.")


TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address.

    The role follows from what the user has: staff (``is_staff``), an expert (an
    ``ExpertProfile``), a customer (memberships of organizations). One person can be more
    than one, e.g. an expert who is also a member of a customer organization.
    """

    email = models.EmailField(unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=TIME_ZONE_CHOICES, validators=[validate_time_zone]
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="SoftwareSupp team: sees everything, needs MFA."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    # Set on the request's user by StaffMFARequiredMiddleware when the session was verified
    # with MFA; a user loaded any other way (jobs, relations, the shell) is not.
    mfa_verified = False

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_expert(self) -> bool:
        return hasattr(self, "expert_profile")

    @property
    def sees_everything(self) -> bool:
        """R-TENANT: staff-wide visibility and staff powers, only for active staff in a
        session verified with MFA. Every visibility method and staff check asks this."""
        return self.is_active and self.is_staff and self.mfa_verified


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The tenants a user may see: staff all, everyone else their memberships."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        return self.filter(memberships__user=user)


class Organization(models.Model):
    """A customer company: the tenant every customer-owned row belongs to."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    time_zone = models.CharField(
        max_length=64, default="UTC", choices=TIME_ZONE_CHOICES, validators=[validate_time_zone]
    )
    billing_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:organization_detail", kwargs={"slug": self.slug})


class MembershipQuerySet(models.QuerySet):
    """The one place that says whether someone belongs to an organization, and how."""

    def of(self, user, organization):
        """``user``'s membership of ``organization`` (an instance or its id): one row or none."""
        return self.filter(user=user, organization=organization)

    def owners(self):
        return self.filter(role=Membership.Role.OWNER)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"  # manages members and billing
        MEMBER = "member", "Member"  # works on the organization's projects

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_org"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.get_role_display()})"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=14)


class Invitation(models.Model):
    """An emailed invitation to join an organization; the link lets the invitee set a password."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"  # emailed, not yet used
        ACCEPTED = "accepted", "Accepted"  # the invitee joined
        REVOKED = "revoked", "Revoked"  # withdrawn by an owner

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(
        max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organization}"

    def can_accept(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at > timezone.now()


class Skill(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# The network's rules an expert accepts before any assignment (R-EXPERT-ONBOARD). Changing
# them means a new version: every expert then accepts again before new work.
NETWORK_RULES_VERSION = "2026-11"
NETWORK_RULES = (
    "I do not contract SoftwareSupp customers or projects outside the network, and I do not "
    "discuss my remuneration with a customer without SoftwareSupp.",
    "I reply to every customer query within one hour, with the answer (or an honest "
    "'checking' / 'needs research') and an estimated time to complete.",
    "I report my hours every week against the tasks I worked on, and estimate every task "
    "before I start it.",
)


class ExpertProfileQuerySet(models.QuerySet):
    def onboarded(self):
        """The experts who finished onboarding (R-EXPERT-ONBOARD), in SQL: the same steps as
        ``ExpertProfile.onboarding_steps``."""
        has_skill = ExpertProfile.skills.through.objects.filter(expertprofile_id=OuterRef("pk"))
        return (
            self.filter(certified_at__isnull=False, rules_version=NETWORK_RULES_VERSION)
            .filter(hourly_rate__gt=0)
            .exclude(mailbox="")
            .exclude(region="")
            .exclude(availability="")
            .filter(Exists(has_skill))
        )


class ExpertProfile(models.Model):
    """A certified freelancer of the network (R-MAILBOX: a dedicated mailbox address)."""

    class Region(models.TextChoices):
        EU = "eu", "EU"
        ASIA = "asia", "Asia"
        US = "us", "US"
        WESTERN_EUROPE = "western_europe", "Western Europe"

    class Availability(models.TextChoices):
        FULL_TIME = "full_time", "Full time"
        PART_TIME = "part_time", "Part time"
        HOURLY = "hourly", "Hourly"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    region = models.CharField(max_length=20, choices=Region.choices)
    country = models.CharField(max_length=80)
    hourly_rate = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="USD per hour paid to the expert."
    )
    availability = models.CharField(
        max_length=16, choices=Availability.choices, default=Availability.FULL_TIME
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="experts")
    certified_at = models.DateTimeField(null=True, blank=True)
    mailbox = models.EmailField(unique=True, blank=True, help_text="Assigned on creation.")
    # R-EXPERT-ONBOARD: which version of the network's rules the expert accepted, and when.
    rules_version = models.CharField(max_length=20, blank=True)
    rules_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ExpertProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(condition=Q(hourly_rate__gt=0), name="expert_rate_positive"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_region_display()})"

    def save(self, *args, **kwargs):
        # Assigned here rather than in a service so that every creation path (admin,
        # services, fixtures) gets an address (R-MAILBOX).
        if not self.mailbox:
            self.mailbox = mailbox_available(
                self.user.first_name, self.user.last_name, self.user.email, exclude_pk=self.pk
            )
        super().save(*args, **kwargs)

    @property
    def is_certified(self) -> bool:
        return self.certified_at is not None

    @property
    def accepted_current_rules(self) -> bool:
        return self.rules_version == NETWORK_RULES_VERSION and self.rules_accepted_at is not None

    def onboarding_steps(self) -> dict[str, bool]:
        """R-EXPERT-ONBOARD's checklist, step → done (one query, for the skills)."""
        return {
            "profile": bool(
                self.region and self.hourly_rate and self.availability and self.skills.exists()
            ),
            "certification": self.is_certified,
            "mailbox": bool(self.mailbox),
            "rules": self.accepted_current_rules,
        }

    @property
    def is_onboarded(self) -> bool:
        """R-EXPERT-ONBOARD: an expert who has not finished onboarding cannot send offers
        or be assigned."""
        return all(self.onboarding_steps().values())

    def onboarding_refusal(self) -> str:
        """Why the expert cannot be assigned yet ("" once onboarded)."""
        steps = self.onboarding_steps()
        if not steps["certification"]:
            return "This expert is not certified yet; finish their onboarding first."
        missing = [ONBOARDING_STEP_LABELS[step] for step, done in steps.items() if not done]
        if missing:
            return f"This expert has not finished onboarding yet: {', '.join(missing)}."
        return ""


ONBOARDING_STEP_LABELS = {
    "profile": "profile (skills, region, rate, availability)",
    "certification": "certification by SoftwareSupp",
    "mailbox": "mailbox address",
    "rules": "acceptance of the network's rules",
}


def mailbox_local_part(first_name: str, last_name: str, fallback: str) -> str:
    """``first.last`` in plain ASCII (``Zoë Ångström`` → ``zoe.angstrom``)."""
    parts = [
        slugify(unicodedata.normalize("NFKD", p)).replace("-", "") for p in (first_name, last_name)
    ]
    local = ".".join(p for p in parts if p)
    return local or slugify(fallback.split("@")[0]).replace("-", "") or "expert"


def mailbox_available(first_name: str, last_name: str, fallback: str, *, exclude_pk=None) -> str:
    """The first free ``first.last[N]@domain`` address: names repeat, mailboxes never do."""
    domain = settings.EXPERT_MAILBOX_DOMAIN
    local = mailbox_local_part(first_name, last_name, fallback)
    taken = set(
        ExpertProfile.objects.filter(mailbox__istartswith=local)
        .exclude(pk=exclude_pk)
        .values_list("mailbox", flat=True)
    )
    taken = {address.lower() for address in taken}
    candidate, n = f"{local}@{domain}", 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}@{domain}"
    return candidate
