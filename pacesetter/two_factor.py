"""The second factor: an authenticator app's time-based codes, and single-use recovery codes.

Built on django-otp: a person's authenticator is a confirmed `TOTPDevice`, their recovery
codes the tokens of one `StaticDevice` (each token is deleted as it is used). Every change is
audited.
"""

import base64

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
# Longest code anyone types: a 6-digit code or a recovery code, with a space or two.
CODE_LENGTH = 20


def has_authenticator(user):
    """Whether `user` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user):
    """Return how many unused recovery codes `user` has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def authenticator_being_set_up(user):
    """Return the authenticator `user` is setting up (unconfirmed), making one if need be."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_text(device):
    """Return the device's secret as people type it into an app: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(device):
    """Return the device's set-up link as an inline SVG QR code (no script, no style)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    label = escape(_("QR code to scan with your authenticator app"))
    # The SVG is qrcode's own drawing of the link: paths only, nothing from the page's input.
    return mark_safe(  # noqa: S308
        svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)
    )


def normalised_code(code):
    """Return a typed code without spaces or hyphens, in lower case."""
    return "".join(str(code).split()).replace("-", "").lower()[:CODE_LENGTH]


def confirm_authenticator(device, code, *, acting_user):
    """Confirm the authenticator being set up if `code` is its current code.

    Replaces any authenticator and recovery codes the person had, makes 10 new recovery codes
    and audits the change. Returns the new recovery codes, or None if the code was wrong.
    """
    with transaction.atomic():
        if not verify_token(device.user, device.persistent_id, normalised_code(code)):
            return None
        replacing = has_authenticator(device.user)
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        audit_record(
            AuditAction.TWO_FACTOR_SET_UP,
            actor=acting_user,
            obj=device.user,
            details={"replaced": replacing},
        )
        return _make_recovery_codes(device.user)


def new_recovery_codes(user, *, acting_user):
    """Replace `user`'s recovery codes with 10 new ones; audit it and return the codes."""
    with transaction.atomic():
        codes = _make_recovery_codes(user)
        audit_record(AuditAction.RECOVERY_CODES_MADE, actor=acting_user, obj=user)
        return codes


def _make_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def check_second_factor(user, code):
    """Return the device that accepts `code` for `user` (a recovery code is used up), or None.

    A 6-digit code is tried against the authenticator; anything else against the recovery
    codes. django-otp refuses a code already used and slows down repeated wrong ones.
    """
    code = normalised_code(code)
    if not code:
        return None
    devices = (
        TOTPDevice.objects.filter(user=user, confirmed=True)
        if code.isdigit() and len(code) == 6
        else StaticDevice.objects.filter(user=user, confirmed=True)
    )
    for device in devices:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def reset_second_factor(person, *, acting_user, reason):
    """Remove `person`'s authenticator and recovery codes (they set up a new one); audit it."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        audit_record(AuditAction.TWO_FACTOR_RESET, actor=acting_user, obj=person, reason=reason)
