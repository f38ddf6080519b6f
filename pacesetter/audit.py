"""Write the one audit trail: `audit_record` is the only writer of `AuditEvent`."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent

# Longest object label kept; the label is a reminder of what the record was, not the record.
LABEL_LENGTH = 255


def audit_scope(obj):
    """Return (application pk, round pk) for the timelines `obj` belongs on.

    A model says where it belongs by defining `audit_scope()`, returning that pair; anything
    else belongs on no timeline (it still appears in the portal-wide audit log).
    """
    if obj is None or not hasattr(obj, "audit_scope"):
        return None, None
    return obj.audit_scope()


def _text(value):
    """Return `value` as text a database column can hold: PostgreSQL refuses NUL."""
    return str(value or "").replace("\x00", "")


def audit_record(
    action,
    *,
    actor,
    obj=None,
    from_state="",
    to_state="",
    reason="",
    details=None,
    application_pk=None,
    round_pk=None,
    at=None,
):
    """Write one audit event for `action` done by `actor` to `obj`; return it.

    Call it inside the transaction that makes the change, so that both are kept or neither
    is. `reason` is kept whole, whatever its length. `actor` may be None for the portal's own
    work or an anonymous attempt. `application_pk` and `round_pk` default to `obj`'s scope.
    """
    action = AuditAction(action)
    scope_application, scope_round = audit_scope(obj)
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=_text(obj)[:LABEL_LENGTH] if obj is not None else "",
        application_pk=application_pk if application_pk is not None else scope_application,
        round_pk=round_pk if round_pk is not None else scope_round,
        from_state=_text(from_state),
        to_state=_text(to_state),
        reason=_text(reason),
        details=details or {},
    )
    if at is not None:
        event.at = at
    with transaction.atomic():
        event.save()
    return event
