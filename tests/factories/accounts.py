from decimal import Decimal

import factory
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import (
    NETWORK_RULES_VERSION,
    ExpertProfile,
    Membership,
    Organization,
    Skill,
    User,
)

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    time_zone = "UTC"

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    """A staff user as loaded outside a request: not MFA-verified, so seeing what a
    non-member sees. ``verified_staff`` gives one as a verified session leaves it."""

    is_staff = True


def verified_staff(user: User | None = None, **fields) -> User:
    """A staff user carrying the flag StaffMFARequiredMiddleware sets on an MFA-verified
    session's user: for calling selectors and services directly."""
    user = user or StaffFactory(**fields)
    user.mfa_verified = True
    return user


def login_verified_staff(client, user: User) -> User:
    """Sign ``user`` in on the test client as allauth leaves a session after a TOTP code:
    an authenticator exists and the session records an "mfa" authentication step."""
    authenticator, _ = Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
    )
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()
    return user


def sign_in(client, user: User) -> User:
    """Sign anyone in on the test client; staff in an MFA-verified session."""
    if user.is_staff:
        return login_verified_staff(client, user)
    client.force_login(user)
    return user


def login_unverified_staff(client, user: User, *, with_authenticator: bool = False) -> User:
    """Sign ``user`` in with a password only (no MFA step in the session): the staff role
    the sweep checks sees nothing."""
    if with_authenticator:
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "unused"}}
        )
    client.force_login(user)
    return user


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    time_zone = "Europe/Warsaw"
    billing_email = factory.Sequence(lambda n: f"billing{n}@example.com")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.OWNER


def customer(organization=None, role=Membership.Role.OWNER, **user_fields) -> User:
    """A user who belongs to ``organization`` (a new one if not given)."""
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=organization or OrganizationFactory(), role=role)
    return user


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Skill {n}")


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    region = ExpertProfile.Region.EU
    country = "Poland"
    hourly_rate = Decimal("45.00")
    availability = ExpertProfile.Availability.FULL_TIME
    certified_at = factory.LazyFunction(timezone.now)
    # Fully onboarded by default (R-EXPERT-ONBOARD): the network's rules accepted and one
    # skill; ``rules_version=""`` or ``skills=[]`` leaves a step open.
    rules_version = NETWORK_RULES_VERSION
    rules_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if not create:
            return
        obj.skills.set(extracted if extracted is not None else [SkillFactory(name="Python")])


def expert(**profile_fields) -> User:
    return ExpertProfileFactory(**profile_fields).user
