"""R-COMMISSION on PostgreSQL: two commission jobs at once still give one commission per
invoice and beneficiary (the unique constraint decides, the losing run posts nothing), and
two credit runs at once credit it once."""

from datetime import timedelta
from decimal import Decimal

import pytest

from leads.models import Commission
from leads.services.commissions import commissions_create, commissions_credit
from payments.models import LedgerTransaction
from payments.selectors.payouts import available_balance
from tests.leads.test_commissions import PAID, invoice, pay, referred
from tests.races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_at_once_create_one_commission_per_invoice():
    organization, partner = referred()
    pay(invoice(organization, "400.00"))
    pay(invoice(organization, "200.00"))
    outcomes = race(lambda: commissions_create(now=PAID), lambda: commissions_create(now=PAID))
    assert sorted(outcomes) == [0, 2]
    assert Commission.objects.count() == 2
    accruals = LedgerTransaction.objects.filter(idempotency_key__endswith=":accrued")
    assert accruals.count() == 2


def test_two_credit_runs_at_once_credit_once():
    organization, partner = referred()
    pay(invoice(organization, "400.00"))
    commissions_create(now=PAID)
    later = PAID + timedelta(days=30)
    outcomes = race(lambda: commissions_credit(now=later), lambda: commissions_credit(now=later))
    assert sorted(outcomes) == [0, 1]
    assert available_balance(partner.user) == Decimal("100.00")
