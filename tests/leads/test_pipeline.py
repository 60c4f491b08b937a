"""R-LEAD: an expert registers a lead and moves it through the stages in order only; the
outcome (won after planning, lost with a reason) is the expert's or staff's, and staff's
reaches the expert by email; a lead unchanged for 7 days reminds its expert once a week."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from leads.models import STAGE_ORDER, Lead
from leads.services import (
    lead_advance,
    lead_create,
    lead_outcome_record,
    lead_reminders_send,
    lead_update,
)
from softwaresupp.models import Event, OutboxMessage
from tests.factories.accounts import customer, expert, login_verified_staff, verified_staff
from tests.leads.helpers import lead_at, planned_work

pytestmark = pytest.mark.django_db

MEETING = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _register(person, **fields):
    return lead_create(
        actor=person,
        company=fields.get("company", "Acme"),
        contact_name="Anna",
        contact_email=fields.get("contact_email", "anna@acme.example"),
        need="A shop",
    )


def test_only_experts_register_leads_and_never_themselves():
    with pytest.raises(PermissionDenied):
        _register(customer())
    person = expert()
    with pytest.raises(ValidationError) as refused:
        _register(person, contact_email=person.email.upper())
    assert "contact_email" in refused.value.error_dict
    lead = _register(person)
    assert lead.stage == Lead.Stage.NEW and lead.handling == Lead.Handling.SELF
    assert Event.objects.filter(verb="lead registered", target_id=lead.pk).exists()


def test_the_stages_follow_in_order_one_step_at_a_time():
    person = expert()
    lead = _register(person)
    for wrong in (Lead.Stage.OFFER_PRESENTED, Lead.Stage.PLANNING, Lead.Stage.NEW):
        with pytest.raises(ValidationError):
            lead_advance(actor=person, lead=lead, to=wrong, meeting_at=MEETING)
    lead = lead_advance(actor=person, lead=lead, to=Lead.Stage.INTRODUCTION)
    with pytest.raises(ValidationError) as no_meeting:
        lead_advance(actor=person, lead=lead, to=Lead.Stage.OFFER_PRESENTED)
    assert "meeting_at" in no_meeting.value.error_dict
    lead = lead_advance(actor=person, lead=lead, to=Lead.Stage.OFFER_PRESENTED, meeting_at=MEETING)
    assert lead.meeting_at == MEETING
    moved = Event.objects.filter(verb="lead moved").order_by("pk").last()
    assert moved.changes["meeting"] == [None, "2026-03-02 10:00 UTC"]
    with pytest.raises(ValidationError):  # never back
        lead_advance(actor=person, lead=lead, to=Lead.Stage.INTRODUCTION)
    lead = lead_advance(actor=person, lead=lead, to=Lead.Stage.PLANNING)
    with pytest.raises(ValidationError):  # won is an outcome, not a step
        lead_advance(actor=person, lead=lead, to=Lead.Stage.WON)
    stages = [e.changes["stage"][1] for e in Event.objects.filter(verb="lead moved").order_by("pk")]
    assert stages == ["Introduction", "Offer presented", "Planning"]


def test_only_the_leads_expert_moves_it():
    lead = _register(expert())
    with pytest.raises(PermissionDenied):
        lead_advance(actor=expert(), lead=lead, to=Lead.Stage.INTRODUCTION)
    with pytest.raises(PermissionDenied):
        lead_update(actor=expert(), lead=lead, company="Mine now")


def test_won_only_after_planning_with_the_planned_work_sent():
    person = expert()
    lead = lead_at(Lead.Stage.OFFER_PRESENTED, expert=person)
    with pytest.raises(ValidationError):
        lead_outcome_record(actor=person, lead=lead, outcome=Lead.Stage.WON)
    lead = lead_advance(actor=person, lead=lead, to=Lead.Stage.PLANNING)
    with pytest.raises(ValidationError):  # planned work not sent yet
        lead_outcome_record(actor=person, lead=lead, outcome=Lead.Stage.WON)
    planned_work(lead)
    lead = lead_outcome_record(actor=person, lead=lead, outcome=Lead.Stage.WON)
    assert lead.stage == Lead.Stage.WON and lead.closed_at is not None
    with pytest.raises(ValidationError):  # closed
        lead_outcome_record(actor=person, lead=lead, outcome=Lead.Stage.LOST, reason="x")


def test_lost_needs_a_reason_and_ends_any_open_stage():
    person = expert()
    lead = _register(person)
    with pytest.raises(ValidationError) as refused:
        lead_outcome_record(actor=person, lead=lead, outcome=Lead.Stage.LOST, reason="  ")
    assert "reason" in refused.value.error_dict
    lead = lead_outcome_record(actor=person, lead=lead, outcome=Lead.Stage.LOST, reason="Budget")
    assert lead.stage == Lead.Stage.LOST and lead.lost_reason == "Budget"
    with pytest.raises(ValidationError):
        lead_advance(actor=person, lead=lead, to=Lead.Stage.INTRODUCTION)


def test_staff_record_an_outcome_and_the_expert_is_emailed():
    person = expert()
    lead = _register(person, company="Globex")
    with pytest.raises(PermissionDenied):  # staff without MFA are not staff here
        lead_outcome_record(actor=expert(), lead=lead, outcome=Lead.Stage.LOST, reason="x")
    lead_outcome_record(
        actor=verified_staff(), lead=lead, outcome=Lead.Stage.LOST, reason="Chose another"
    )
    mail = OutboxMessage.objects.get(template="lead_outcome")
    assert mail.to == person.email
    assert "Globex" in mail.subject and "Chose another" in mail.text


def test_an_experts_own_outcome_tells_staff():
    person = expert()
    lead = _register(person)
    lead_outcome_record(actor=person, lead=lead, outcome=Lead.Stage.LOST, reason="No budget")
    mail = OutboxMessage.objects.get(template="lead_outcome")
    assert mail.to == "team@softwaresupp.com"


def _reminders():
    return OutboxMessage.objects.filter(template="lead_reminder")


def test_the_seven_day_reminder_is_sent_once_a_week_per_lead():
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        person = expert()
        _register(person)
        closed = _register(person, company="Closed")
        lead_outcome_record(actor=person, lead=closed, outcome=Lead.Stage.LOST, reason="x")
    lead_reminders_send(now=start + timedelta(days=6, hours=23, minutes=59))
    assert _reminders().count() == 0
    day7 = start + timedelta(days=7)
    assert lead_reminders_send(now=day7) == 1
    lead_reminders_send(now=day7)  # the job run twice
    lead_reminders_send(now=day7 + timedelta(days=3))  # and daily the same week
    assert _reminders().count() == 1
    mail = _reminders().get()
    assert mail.to == person.email and "Acme" in mail.subject
    lead_reminders_send(now=start + timedelta(days=14))  # the next week: once more
    assert _reminders().count() == 2


def test_a_change_restarts_the_seven_days():
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        person = expert()
        lead = _register(person)
    with time_machine.travel(start + timedelta(days=5), tick=False):
        lead_advance(actor=person, lead=lead, to=Lead.Stage.INTRODUCTION)
    lead_reminders_send(now=start + timedelta(days=8))
    assert _reminders().count() == 0
    lead_reminders_send(now=start + timedelta(days=12))
    assert _reminders().count() == 1


def test_the_reminder_job_runs_the_same_queries_for_few_and_many_leads(
    django_assert_num_queries,
):
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        person = expert()
        _register(person)
    with CaptureQueriesContext(connection) as small:
        lead_reminders_send(now=start + timedelta(days=7))
    with time_machine.travel(start, tick=False):
        for n in range(6):
            _register(expert(), company=f"Co {n}")
    with django_assert_num_queries(len(small)):
        lead_reminders_send(now=start + timedelta(days=15))


# --- pages --------------------------------------------------------------------------------


def test_an_expert_registers_and_moves_a_lead_on_the_pages(client):
    person = expert()
    client.force_login(person)
    response = client.post(
        reverse("leads:create"),
        {
            "company": "Initech",
            "contact_name": "Bill",
            "contact_email": "bill@initech.example",
            "need": "TPS reports",
            "handling": "pool",
        },
    )
    lead = Lead.objects.get(company="Initech")
    assert response.status_code == 302 and lead.handling == Lead.Handling.POOL
    client.post(reverse("leads:move", args=[lead.pk]), {"to": "introduction"})
    response = client.post(reverse("leads:move", args=[lead.pk]), {"to": "offer_presented"})
    assert response.status_code == 400
    assert "meeting" in response.content.decode()
    lead.refresh_from_db()
    assert lead.stage == Lead.Stage.INTRODUCTION
    client.post(
        reverse("leads:move", args=[lead.pk]),
        {"to": "offer_presented", "meeting_at": "2026-03-02T10:00"},
    )
    lead.refresh_from_db()
    assert lead.stage == Lead.Stage.OFFER_PRESENTED


def test_another_expert_and_customers_get_404_on_a_lead(client):
    lead = _register(expert())
    for person in (expert(), customer()):
        client.force_login(person)
        assert client.get(reverse("leads:detail", args=[lead.pk])).status_code == 404


def test_the_pipeline_is_staffs_with_filters(client):
    person = expert()
    planning = lead_at(Lead.Stage.PLANNING, expert=person, company="Planning Co")
    _register(expert(), company="Other Co")
    client.force_login(person)
    assert client.get(reverse("leads:pipeline")).status_code == 404
    login_verified_staff(client, verified_staff())
    page = client.get(reverse("leads:pipeline"), {"stage": "planning"}).content.decode()
    assert "Planning Co" in page and "Other Co" not in page
    page = client.get(reverse("leads:pipeline"), {"expert": person.pk}).content.decode()
    assert "Planning Co" in page and "Other Co" not in page
    page = client.get(reverse("leads:pipeline"), {"q": "other"}).content.decode()
    assert "Other Co" in page and "Planning Co" not in page
    assert planning.stage in STAGE_ORDER


def test_the_pipeline_reads_the_same_queries_for_few_and_many_leads(
    client, django_assert_num_queries
):
    login_verified_staff(client, verified_staff())
    _register(expert())
    url = reverse("leads:pipeline")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(8):
        lead_at(Lead.Stage.INTRODUCTION, expert=expert(), company=f"Co {n}")
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200


def test_an_experts_lead_list_reads_the_same_queries_for_few_and_many(
    client, django_assert_num_queries
):
    person = expert()
    client.force_login(person)
    _register(person)
    url = reverse("leads:list")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for n in range(8):
        _register(person, company=f"Co {n}")
    with django_assert_num_queries(len(small)):
        assert client.get(url).status_code == 200
