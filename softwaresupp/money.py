"""Money is Decimal US dollars; ``money()`` is the one place amounts are rounded."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Round half-up to cents. Call it only where an amount is booked or shown, never midway."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
