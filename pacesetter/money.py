"""Money: `Decimal` pounds, rounded half up to the penny wherever rounding happens."""

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def round_penny(value) -> Decimal:
    """Round to the penny, half up (the convention of a hand-checked costing)."""
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_pounds(value) -> str:
    """Format pounds exactly to the penny with thousands separators: £1,047,000.00."""
    amount = round_penny(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"
