"""Sign-in events go to the audit trail: who signed in or out, which sign-ins failed, and
which emails or addresses were locked out; signing in starts the session's clocks."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.language import chosen_before_sign_in
from pacesetter.sign_in import stamp_sign_in

# Longest attempted email kept: a failed sign-in's form field is anyone's to fill.
ATTEMPTED_EMAIL_LENGTH = 254


def _client(request):
    """Where a request came from, for the event's details (nothing when there is no request)."""
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", "")}


@receiver(user_logged_in, dispatch_uid="pacesetter.audit.signed_in")
def audit_signed_in(sender, request, user, **kwargs):
    audit_record(AuditAction.SIGN_IN, actor=user, obj=user, details=_client(request))
    if request is not None and hasattr(request, "session"):
        stamp_sign_in(request.session)
    chosen_before_sign_in(request, user)


@receiver(user_logged_out, dispatch_uid="pacesetter.audit.signed_out")
def audit_signed_out(sender, request, user, **kwargs):
    if user is None:  # signing out when nobody was signed in
        return
    audit_record(AuditAction.SIGN_OUT, actor=user, obj=user, details=_client(request))


@receiver(user_login_failed, dispatch_uid="pacesetter.audit.sign_in_failed")
def audit_sign_in_failed(sender, credentials, request=None, **kwargs):
    """Record the email that was tried, never the password (nor anything else sent)."""
    username_field = get_user_model().USERNAME_FIELD
    attempted = credentials.get(username_field) or credentials.get("username") or ""
    audit_record(
        AuditAction.SIGN_IN_FAILED,
        actor=None,
        details={"email": str(attempted)[:ATTEMPTED_EMAIL_LENGTH], **_client(request)},
    )


@receiver(user_locked_out, dispatch_uid="pacesetter.audit.locked_out")
def audit_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    """Record which email and address were locked; whether the email is anyone's is not said."""
    audit_record(
        AuditAction.SIGN_IN_LOCKED_OUT,
        actor=None,
        details={"email": str(username or "")[:ATTEMPTED_EMAIL_LENGTH], "ip": ip_address or ""},
    )
