"""What the monitoring workflows share: version claims, money and number parsing, mail."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from pacesetter.enums import Role
from pacesetter.mail import mail_queue
from pacesetter.models import User
from pacesetter.transitions import Refused
from schemes.forms.money import MoneyField

# Someone saved the record after this page was drawn (the words of `schemes.domain.editing`).
STALE_EDIT = _(
    "Someone else changed this after you opened this page. Nothing you entered here has "
    "been saved. Open the page again to see their changes, then make yours."
)
NOTHING_SAVED = _("Nothing has been saved. Put right what is marked below.")


def claim_version(model, pk, *, expected_version, statuses, not_editable):
    """Claim `model` row `pk` at `expected_version` in one of `statuses`; return it fresh.

    One conditional UPDATE raises the version, so of two saves drawn from the same page only
    one gets through. Raises Refused(`not_editable`) if the status forbids the change and
    Refused(STALE_EDIT) if another save came first; nothing is written then. Call it in a
    transaction.
    """
    claimed = model._default_manager.filter(
        pk=pk, version=expected_version, status__in=statuses
    ).update(version=F("version") + 1)
    if not claimed:
        current = model._default_manager.only("status").get(pk=pk)
        if current.status not in statuses:
            raise Refused(not_editable)
        raise Refused(STALE_EDIT)
    return model._default_manager.get(pk=pk)


def money_or_error(value):
    """Return (amount, None) for exact pounds and pence, or (None, message).

    Text is parsed by the budget's own rules (`schemes.forms.money.MoneyField`): "£1,250.50"
    is accepted, "-5" and "1.005" are refused with its messages, never rounded. A Decimal is
    held to the same rules. Blank is £0.00.
    """
    field = MoneyField(required=False)
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        amount = Decimal(value)
        if not amount.is_finite():
            return None, field.error_messages["invalid"]
        if amount < 0:
            return None, field.error_messages["negative"]
        if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
            return None, field.error_messages["precision"]
        if amount > field.max_value:
            return None, field.error_messages["max_value"] % {"limit": f"£{field.max_value:,.2f}"}
        return amount.quantize(Decimal("0.01")), None
    try:
        amount = field.clean(value)
    except ValidationError as error:
        return None, error.messages[0]
    return (amount if amount is not None else Decimal("0.00")), None


def as_number(text):
    """Return `text` as a finite Decimal ("1,250.5", "-3", "12%"), or None if it is not one."""
    cleaned = str(text or "").strip().replace(",", "").removesuffix("%").strip()
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or "e" in cleaned.lower():
        return None
    return number


def board_leads(organisation_id):
    """The active health board leads of an organisation."""
    return list(
        User.objects.filter(
            organisation_id=organisation_id, role=Role.APPLICANT, is_active=True
        ).order_by("email")
    )


def programme_managers():
    """Every active programme manager."""
    return list(User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True).order_by("email"))


def mail_people(recipients, template, context):
    """Email each recipient `template`, rendered in their own language, once committed."""
    for recipient in recipients:
        mail_queue(recipient=recipient, template=template, context=context)
