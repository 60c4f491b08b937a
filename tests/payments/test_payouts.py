"""Payouts (R-PAYOUT): requests under re-authentication, the ledger moves, the state machine,
staff decisions, emails and the overdue alert."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payments.models import LedgerTransaction, PayoutRequest, PayoutState
from payments.services.payouts import (
    payout_approve,
    payout_mark_failed,
    payout_mark_paid,
    payout_reject,
    payout_request,
    payouts_overdue_alert,
)
from softwaresupp.models import OutboxMessage
from tests.factories.accounts import StaffFactory, expert, login_verified_staff
from tests.payments.payout_helpers import balances, fund, reauthenticated

pytestmark = pytest.mark.django_db

IBAN = "DE89 3704 0044 0532 0130 00"


@pytest.fixture
def funded_expert():
    person = expert()
    fund(person, "100.00")
    return person


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _request(person, amount="40.00"):
    return payout_request(expert=person, amount=Decimal(amount), bank_details=IBAN)


# --- requesting ---------------------------------------------------------------------------


def test_a_request_within_the_balance_moves_it_from_available_to_pending(client, funded_expert):
    reauthenticated(client, funded_expert)
    response = client.post(
        reverse("payments:payout_new"), {"amount": "60.00", "bank_details": IBAN}
    )
    assert response.status_code == 302
    assert balances(funded_expert) == (Decimal("40.00"), Decimal("60.00"))
    payout = PayoutRequest.objects.get(expert=funded_expert)
    assert payout.state == PayoutState.REQUESTED and payout.amount == Decimal("60.00")


def test_a_request_over_the_balance_is_refused_beside_the_amount(client, funded_expert):
    reauthenticated(client, funded_expert)
    response = client.post(
        reverse("payments:payout_new"), {"amount": "100.01", "bank_details": IBAN}
    )
    assert response.status_code == 200
    assert "more than your available balance" in " ".join(response.context["form"]["amount"].errors)
    assert balances(funded_expert) == (Decimal("100.00"), Decimal("0.00"))
    assert not PayoutRequest.objects.exists()


def test_a_request_without_a_recent_reauthentication_is_sent_to_reauthenticate(
    client, funded_expert
):
    client.force_login(funded_expert)
    for method in (client.get, client.post):
        response = method(reverse("payments:payout_new"), {"amount": "10.00"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not PayoutRequest.objects.exists()


def test_bank_details_are_encrypted_at_rest_and_masked_on_the_page(client, funded_expert):
    reauthenticated(client, funded_expert)
    client.post(reverse("payments:payout_new"), {"amount": "10.00", "bank_details": IBAN})
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM payments_payoutrequest")
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert "3704" not in raw and "DE89" not in raw
    assert PayoutRequest.objects.get().bank_details() == IBAN
    page = client.get(reverse("payments:money")).content.decode()
    assert "•••• 3000" in page and "3704" not in page and "DE89" not in page


def test_an_invoice_must_be_a_pdf_said_beside_the_field(client, funded_expert, media):
    reauthenticated(client, funded_expert)
    fake = SimpleUploadedFile("invoice.pdf", b"<html>not a pdf", content_type="application/pdf")
    response = client.post(reverse("payments:payout_new"), {"amount": "10.00", "invoice": fake})
    assert "must be a PDF" in " ".join(response.context["form"]["invoice"].errors)
    pdf = SimpleUploadedFile("invoice.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(reverse("payments:payout_new"), {"amount": "10.00", "invoice": pdf})
    assert response.status_code == 302
    assert PayoutRequest.objects.get().invoice.name.endswith(".pdf")


def test_an_invoice_over_5_mb_is_refused(client, funded_expert, media):
    reauthenticated(client, funded_expert)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))
    response = client.post(reverse("payments:payout_new"), {"amount": "10.00", "invoice": big})
    assert "larger than 5 MB" in " ".join(response.context["form"]["invoice"].errors)


def test_bank_details_or_an_invoice_are_needed(client, funded_expert):
    reauthenticated(client, funded_expert)
    response = client.post(reverse("payments:payout_new"), {"amount": "10.00"})
    assert response.context["form"]["bank_details"].errors
    with pytest.raises(ValidationError):
        payout_request(expert=funded_expert, amount=Decimal("10.00"))


def test_the_whole_balance_can_be_requested_in_cents_without_float_drift():
    """2.01 - 0.01 - 2.00 is exactly zero (SQLite once summed the running balance as a float
    and refused the last request as an overdraw)."""
    person = expert()
    fund(person, "2.01")
    _request(person, "0.01")
    _request(person, "2.00")
    assert balances(person) == (Decimal("0.00"), Decimal("2.01"))


# --- the state machine ----------------------------------------------------------------------


def test_paid_moves_pending_out_and_no_state_goes_back(funded_expert):
    staff = StaffFactory()
    payout = payout_approve(actor=staff, payout=_request(funded_expert))
    payout = payout_mark_paid(actor=staff, payout=payout)
    assert balances(funded_expert) == (Decimal("60.00"), Decimal("0.00"))
    for step in (payout_approve, payout_mark_paid, payout_reject, payout_mark_failed):
        with pytest.raises(ValidationError):
            step(actor=staff, payout=payout)
    assert not payout.can_transition(PayoutState.REQUESTED)
    assert PayoutRequest.objects.get().state == PayoutState.PAID


def test_paying_needs_an_approval_first(funded_expert):
    with pytest.raises(ValidationError):
        payout_mark_paid(actor=StaffFactory(), payout=_request(funded_expert))


def test_a_staff_user_cannot_approve_their_own_request():
    staff = StaffFactory()
    fund(staff, "50.00")
    payout = _request(staff, "20.00")
    with pytest.raises(PermissionDenied):
        payout_approve(actor=staff, payout=payout)
    payout_approve(actor=StaffFactory(), payout=payout)


def test_experts_cannot_decide_payouts(funded_expert):
    with pytest.raises(PermissionDenied):
        payout_approve(actor=expert(), payout=_request(funded_expert))


@pytest.mark.parametrize("step", [payout_reject, payout_mark_failed])
@pytest.mark.parametrize("approved_first", [False, True])
def test_reject_and_fail_give_the_amount_back_once(funded_expert, step, approved_first):
    staff = StaffFactory()
    payout = _request(funded_expert)
    if approved_first:
        payout = payout_approve(actor=staff, payout=payout)
    step(actor=staff, payout=payout)
    with pytest.raises(ValidationError):
        step(actor=staff, payout=payout)
    assert balances(funded_expert) == (Decimal("100.00"), Decimal("0.00"))
    assert LedgerTransaction.objects.filter(reverses__isnull=False).count() == 1


def test_the_expert_is_emailed_at_each_step(funded_expert):
    staff = StaffFactory()
    payout = payout_mark_paid(
        actor=staff, payout=payout_approve(actor=staff, payout=_request(funded_expert))
    )
    rejected = payout_reject(
        actor=staff, payout=_request(funded_expert, "10.00"), note="Wrong IBAN"
    )
    templates = list(
        OutboxMessage.objects.filter(to=funded_expert.email).values_list("template", flat=True)
    )
    assert sorted(templates) == sorted(
        [
            "payout_requested",
            "payout_approved",
            "payout_paid",
            "payout_requested",
            "payout_rejected",
        ]
    )
    body = OutboxMessage.objects.get(template="payout_rejected").text
    assert "Wrong IBAN" in body and str(rejected.amount) in body
    assert "3000" in OutboxMessage.objects.get(template="payout_paid").text and payout.pk


def test_ledger_check_passes_after_a_sequence(funded_expert):
    staff = StaffFactory()
    payout_mark_paid(
        actor=staff, payout=payout_approve(actor=staff, payout=_request(funded_expert, "10.00"))
    )
    payout_reject(actor=staff, payout=_request(funded_expert, "20.00"))
    payout_mark_failed(
        actor=staff, payout=payout_approve(actor=staff, payout=_request(funded_expert, "30.00"))
    )
    _request(funded_expert, "5.00")
    call_command("ledger_check")
    assert balances(funded_expert) == (Decimal("85.00"), Decimal("5.00"))


# --- overdue alert --------------------------------------------------------------------------


def test_staff_are_alerted_once_about_requests_older_than_20_hours(funded_expert):
    staff = StaffFactory()
    old, fresh = _request(funded_expert, "10.00"), _request(funded_expert, "10.00")
    paid = payout_mark_paid(
        actor=staff, payout=payout_approve(actor=staff, payout=_request(funded_expert, "10.00"))
    )
    PayoutRequest.objects.filter(pk__in=[old.pk, paid.pk]).update(
        requested_at=timezone.now() - timedelta(hours=21)
    )
    assert payouts_overdue_alert() == 1
    assert payouts_overdue_alert() == 0
    alerts = OutboxMessage.objects.filter(template="payout_overdue")
    assert list(alerts.values_list("to", flat=True)) == [staff.email]
    assert f"#{old.pk} " in alerts.get().text and f"#{fresh.pk} " not in alerts.get().text
    assert PayoutRequest.objects.get(pk=old.pk).overdue_alerted_at is not None


# --- admin ----------------------------------------------------------------------------------


def _admin_action(client, action, payouts, **extra):
    return client.post(
        reverse("admin:payments_payoutrequest_changelist"),
        {"action": action, "_selected_action": [p.pk for p in payouts], **extra},
        follow=True,
    )


def test_staff_approve_and_mark_paid_in_admin_but_not_their_own(client, funded_expert):
    staff = StaffFactory(is_superuser=True)
    login_verified_staff(client, staff)
    payout = _request(funded_expert)
    queue = client.get(reverse("admin:payments_payoutrequest_changelist"))
    assert queue.status_code == 200 and "Due (24 h)" in queue.content.decode()
    _admin_action(client, "approve", [payout])
    _admin_action(client, "mark_paid", [payout])
    assert PayoutRequest.objects.get().state == PayoutState.PAID
    fund(staff, "30.00")
    own = _request(staff, "30.00")
    response = _admin_action(client, "approve", [own])
    assert "your own payout" in response.content.decode()
    assert PayoutRequest.objects.get(pk=own.pk).state == PayoutState.REQUESTED


def test_staff_see_the_experts_balances_and_bank_details_on_a_request(client, funded_expert):
    login_verified_staff(client, StaffFactory(is_superuser=True))
    payout = _request(funded_expert, "30.00")
    page = client.get(reverse("admin:payments_payoutrequest_change", args=[payout.pk]))
    html = page.content.decode()
    assert "$70.00 available, $30.00 pending" in html and IBAN in html
    accounts = client.get(reverse("admin:payments_account_changelist"), {"q": funded_expert.email})
    assert accounts.status_code == 200 and "70.00" in accounts.content.decode()


def test_staff_reject_in_admin_with_a_note(client, funded_expert):
    login_verified_staff(client, StaffFactory(is_superuser=True))
    payout = _request(funded_expert)
    _admin_action(client, "reject", [payout], apply="1", note="Bank details incomplete")
    payout.refresh_from_db()
    assert payout.state == PayoutState.REJECTED and payout.note == "Bank details incomplete"


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_requests_against_a_balance_for_three_give_three():
    person = expert()
    fund(person, "30.00")
    start = threading.Barrier(10)
    outcomes: list = [None] * 10

    def request(index):
        try:
            start.wait()
            outcomes[index] = _request(person, "10.00")
        except ValidationError as refusal:
            outcomes[index] = refusal
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=(index,)) for index in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    successes = [o for o in outcomes if isinstance(o, PayoutRequest)]
    assert len(successes) == 3, outcomes
    assert all(isinstance(o, (PayoutRequest, ValidationError)) for o in outcomes), outcomes
    assert balances(person) == (Decimal("0.00"), Decimal("30.00"))
    assert PayoutRequest.objects.count() == 3
    call_command("ledger_check")


# --- query counts ---------------------------------------------------------------------------


def test_the_money_page_costs_the_same_queries_with_1_and_15_requests(client, funded_expert):
    client.force_login(funded_expert)
    url = reverse("payments:money")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries.captured_queries)

    _request(funded_expert, "1.00")
    count()  # warm the caches (session, content types)
    small = count()
    for _ in range(14):
        _request(funded_expert, "1.00")
    assert count() == small
