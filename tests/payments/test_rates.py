"""R-RATE-MIN: the customer's rate is at least the region's minimum and the expert's rate,
on every path (service, form, admin, database); rate changes are dated and never alter the
days before them."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from payments.forms import AssignmentRateForm, ExpertRateForm
from payments.models import AssignmentRate
from payments.selectors.rates import (
    customer_rate_on,
    customer_rates_on,
    expert_rate_on,
    expert_rates_on,
)
from payments.services.rates import assignment_rate_set, expert_rate_change
from softwaresupp.events import event_list_for
from tests.factories.accounts import StaffFactory, login_verified_staff, verified_staff
from tests.factories.projects import AssignmentFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _assignment(region="eu", expert_rate="45.00"):
    assignment = AssignmentFactory()
    profile = assignment.expert.expert_profile
    profile.region, profile.hourly_rate = region, Decimal(expert_rate)
    profile.save()
    return assignment


def _set(assignment, rate, day=TODAY):
    return assignment_rate_set(
        actor=verified_staff(),
        assignment=assignment,
        customer_rate=Decimal(rate),
        effective_from=day,
    )


class TestRegionMinimums:
    @pytest.mark.parametrize(
        ("region", "refused", "accepted"),
        [
            ("eu", "49.99", "50.00"),
            ("asia", "49.99", "50.00"),
            ("us", "99.99", "100.00"),
            ("western_europe", "99.99", "100.00"),
        ],
    )
    def test_the_minimum_at_the_edge(self, region, refused, accepted):
        assignment = _assignment(region)
        with pytest.raises(ValidationError) as refusal:
            _set(assignment, refused)
        assert "non-negotiable" in refusal.value.message_dict["customer_rate"][0]
        assert not AssignmentRate.objects.exists()
        rate = _set(assignment, accepted)
        assert rate.minimum_rate == Decimal(accepted)

    def test_never_below_the_experts_rate(self):
        assignment = _assignment("eu", expert_rate="70.00")
        with pytest.raises(ValidationError, match="expert's own rate"):
            _set(assignment, "69.99")
        assert _set(assignment, "70.00").expert_rate == Decimal("70.00")

    def test_never_below_an_expert_rate_that_takes_effect_later(self):
        assignment = _assignment("eu")
        expert_rate_change(
            actor=verified_staff(),
            expert=assignment.expert,
            hourly_rate=Decimal("80"),
            effective_from=TODAY + timedelta(days=7),
        )
        with pytest.raises(ValidationError, match="non-negotiable"):
            _set(assignment, "60.00")

    def test_the_expert_rate_may_not_rise_above_what_the_customer_pays(self):
        assignment = _assignment("eu")
        _set(assignment, "60.00")
        with pytest.raises(ValidationError) as refusal:
            expert_rate_change(
                actor=verified_staff(),
                expert=assignment.expert,
                hourly_rate=Decimal("60.01"),
                effective_from=TODAY + timedelta(days=1),
            )
        assert "raise the customer rate first" in refusal.value.message_dict["hourly_rate"][0]
        assert expert_rate_on(assignment.expert, TODAY + timedelta(days=1)) == Decimal("45.00")


class TestDatedChanges:
    def test_a_later_change_leaves_earlier_days_alone(self):
        assignment = _assignment("eu")
        expert = assignment.expert
        later = TODAY + timedelta(days=14)
        _set(assignment, "60.00", day=assignment.starts_on - timedelta(days=30))
        _set(assignment, "75.00", day=later)
        expert_rate_change(
            actor=verified_staff(), expert=expert, hourly_rate=Decimal("55"), effective_from=later
        )
        day_before = later - timedelta(days=1)
        assert expert_rate_on(expert, date(2020, 1, 1)) == Decimal("45.00")
        assert expert_rate_on(expert, day_before) == Decimal("45.00")
        assert expert_rate_on(expert, later) == Decimal("55.00")
        assert customer_rate_on(assignment, day_before) == Decimal("60.00")
        assert customer_rate_on(assignment, later) == Decimal("75.00")
        expert.expert_profile.refresh_from_db()
        assert expert.expert_profile.hourly_rate == Decimal("55.00")  # the latest agreed

    def test_a_change_never_reaches_into_the_past(self):
        assignment = _assignment("eu")
        _set(assignment, "60.00")
        yesterday = TODAY - timedelta(days=1)
        with pytest.raises(ValidationError, match="today or later"):
            _set(assignment, "70.00", day=yesterday)
        with pytest.raises(ValidationError, match="today or later"):
            expert_rate_change(
                actor=verified_staff(),
                expert=assignment.expert,
                hourly_rate=Decimal("50"),
                effective_from=yesterday,
            )

    def test_an_assignment_without_a_rate_has_none(self):
        assert customer_rate_on(_assignment(), TODAY) is None

    def test_each_change_is_an_event_from_to(self):
        assignment = _assignment("eu")
        staff = verified_staff()
        assignment_rate_set(
            actor=staff, assignment=assignment, customer_rate=Decimal("60"), effective_from=TODAY
        )
        expert_rate_change(
            actor=staff, expert=assignment.expert, hourly_rate=Decimal("50"), effective_from=TODAY
        )
        [customer_event] = event_list_for(assignment)
        assert customer_event.changes == {"customer_rate": [None, "60"]}
        assert customer_event.note == f"effective {TODAY.isoformat()}"
        [expert_event] = event_list_for(assignment.expert.expert_profile)
        assert expert_event.changes["hourly_rate"] == ["45.00", "50"]
        assert expert_event.actor == staff

    def test_batched_rates_take_the_same_queries_for_few_and_many(self, django_assert_num_queries):
        assignments = [_assignment("eu") for _ in range(4)]
        for assignment in assignments:
            _set(assignment, "60.00")
        days = [TODAY + timedelta(days=n) for n in range(5)]

        def read(count):
            chosen = assignments[:count]
            with django_assert_num_queries(3):
                experts = expert_rates_on((a.expert_id, d) for a in chosen for d in days)
                customers = customer_rates_on((a.pk, d) for a in chosen for d in days)
            return experts, customers

        experts, customers = read(1)
        experts, customers = read(4)
        assert set(customers.values()) == {Decimal("60.00")}
        assert set(experts.values()) == {Decimal("45.00")}


class TestEveryPath:
    def test_only_verified_staff_set_rates(self):
        assignment = _assignment()
        for actor in (StaffFactory(), assignment.expert):
            with pytest.raises(PermissionDenied):
                assignment_rate_set(
                    actor=actor, assignment=assignment, customer_rate=60, effective_from=TODAY
                )

    def test_the_form_says_beside_the_field(self):
        assignment = _assignment("us")
        data = {"assignment": assignment.pk, "customer_rate": "99.99", "effective_from": TODAY}
        form = AssignmentRateForm(data)
        assert not form.is_valid()
        assert "non-negotiable" in form.errors["customer_rate"][0]
        expert_form = ExpertRateForm(
            {"expert": assignment.expert.pk, "hourly_rate": "0", "effective_from": TODAY}
        )
        assert not expert_form.is_valid()

    def test_django_admin_refuses_and_accepts_through_the_service(self, client):
        staff = login_verified_staff(client, StaffFactory(is_superuser=True))
        assignment = _assignment("us")
        add = reverse("admin:payments_assignmentrate_add")
        page = client.get(add, {"assignment": assignment.pk})
        assert page.status_code == 200
        assert page.context["adminform"].form.initial["customer_rate"] == Decimal("100.00")
        data = {"assignment": assignment.pk, "customer_rate": "99.99", "effective_from": TODAY}
        response = client.post(add, data)
        assert response.status_code == 200
        assert "non-negotiable" in response.context["adminform"].form.errors["customer_rate"][0]
        assert not AssignmentRate.objects.exists()
        assert client.post(add, {**data, "customer_rate": "100.00"}).status_code == 302
        [event] = event_list_for(assignment)
        assert event.actor == staff

    def test_django_admin_changes_an_expert_rate_through_the_service(self, client):
        login_verified_staff(client, StaffFactory(is_superuser=True))
        assignment = _assignment("eu")
        _set(assignment, "60.00")
        add = reverse("admin:payments_expertrate_add")
        data = {"expert": assignment.expert.pk, "hourly_rate": "61.00", "effective_from": TODAY}
        assert client.post(add, data).status_code == 200
        assert client.post(add, {**data, "hourly_rate": "59.00"}).status_code == 302
        assert expert_rate_on(assignment.expert, TODAY) == Decimal("59.00")

    def test_rates_are_not_edited_or_deleted_in_admin(self, client):
        login_verified_staff(client, StaffFactory(is_superuser=True))
        rate = _set(_assignment("eu"), "60.00")
        assert client.get(reverse("admin:payments_assignmentrate_changelist")).status_code == 200
        change = reverse("admin:payments_assignmentrate_change", args=[rate.pk])
        assert client.get(change).status_code == 200
        assert client.post(change, {"customer_rate": "1"}).status_code == 403
        delete = reverse("admin:payments_assignmentrate_delete", args=[rate.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        rate.refresh_from_db()
        assert rate.customer_rate == Decimal("60.00")

    @pytest.mark.parametrize(
        ("customer", "minimum", "expert"),
        [("49.99", "0", "0"), ("60.00", "100.00", "0"), ("60.00", "50.00", "60.01")],
    )
    def test_the_database_refuses_an_insert_below(self, customer, minimum, expert):
        assignment = _assignment("eu")
        row = AssignmentRate(
            assignment=assignment,
            customer_rate=Decimal(customer),
            minimum_rate=Decimal(minimum),
            expert_rate=Decimal(expert),
            effective_from=TODAY,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            AssignmentRate.objects.bulk_create([row])

    def test_the_database_refuses_an_update_below(self):
        rate = _set(_assignment("us"), "100.00")
        with pytest.raises(IntegrityError), transaction.atomic():
            AssignmentRate.objects.filter(pk=rate.pk).update(customer_rate=Decimal("99.99"))

    def test_one_rate_per_day(self):
        assignment = _assignment("eu")
        _set(assignment, "60.00")
        with pytest.raises(ValidationError):
            _set(assignment, "65.00")
        assert AssignmentRate.objects.get().customer_rate == Decimal("60.00")


class TestRateAgreedByTheCustomer:
    """An assignment the customer made (an offer chosen, a plan launched) gets its first
    rate from the customer's owner, under the same minimum; only staff change it later."""

    def _owner(self, assignment, role="owner"):
        from tests.factories.accounts import MembershipFactory

        return MembershipFactory(organization=assignment.organization, role=role).user

    def test_an_owner_agrees_the_first_rate(self):
        assignment = _assignment("eu")
        agree(self._owner(assignment), assignment, "60.00")
        assert customer_rate_on(assignment, TODAY) == Decimal("60.00")

    def test_the_minimum_still_holds(self):
        assignment = _assignment("us", expert_rate="80.00")
        with pytest.raises(ValidationError, match="non-negotiable"):
            agree(self._owner(assignment), assignment, "99.99")
        assert not AssignmentRate.objects.filter(assignment=assignment).exists()

    def test_a_member_or_outsider_cannot_agree(self):
        assignment = _assignment("eu")
        with pytest.raises(PermissionDenied):
            agree(self._owner(assignment, role="member"), assignment, "60.00")
        outsider_assignment = _assignment("eu")
        with pytest.raises(PermissionDenied):
            agree(self._owner(outsider_assignment), assignment, "60.00")
        assert not AssignmentRate.objects.filter(assignment=assignment).exists()

    def test_a_second_agreement_is_refused(self):
        assignment = _assignment("eu")
        owner = self._owner(assignment)
        agree(owner, assignment, "60.00")
        with pytest.raises(ValidationError, match="staff change it"):
            agree(owner, assignment, "55.00")
        assert customer_rate_on(assignment, TODAY) == Decimal("60.00")


def agree(actor, assignment, rate):
    from payments.services.rates import assignment_rate_agree

    return assignment_rate_agree(
        actor=actor, assignment=assignment, customer_rate=Decimal(rate), effective_from=TODAY
    )
