"""Funding and requesting payouts in the payout tests."""

from decimal import Decimal

from django.urls import reverse

from payments.models import AccountKind
from payments.services.ledger import ledger_account, ledger_post
from tests.factories.accounts import PASSWORD


def fund(expert_user, amount: str, key: str = "funded", memo: str = "earned"):
    """Credit the expert's available balance from the platform (as a settlement will); the
    pending account is opened too, as a real expert's would be by then."""
    available = ledger_account(kind=AccountKind.EXPERT_AVAILABLE, expert=expert_user)
    ledger_account(kind=AccountKind.EXPERT_PAYOUTS_PENDING, expert=expert_user)
    platform = ledger_account(kind=AccountKind.PLATFORM_REVENUE)
    ledger_post(
        key=f"{key}:{expert_user.pk}",
        lines=[(available, Decimal(amount)), (platform, -Decimal(amount))],
        memo=memo,
    )
    return available


def balances(expert_user) -> tuple[Decimal, Decimal]:
    """(available, pending) as the database holds them now."""
    available = ledger_account(kind=AccountKind.EXPERT_AVAILABLE, expert=expert_user)
    pending = ledger_account(kind=AccountKind.EXPERT_PAYOUTS_PENDING, expert=expert_user)
    return available.balance, pending.balance


def reauthenticated(client, user):
    """Signed in and just re-authenticated with the password (allauth's own flow)."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response
    return client
