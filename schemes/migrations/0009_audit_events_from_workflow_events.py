"""Copy every ApplicationEvent and RoundEvent into the one audit trail, nothing lost.

Each old row becomes one AuditEvent with the same actor, time, from, to and note (as the
reason); `details` names the row it came from, so the move can be undone. `action_for` and
`event_fields` are plain functions so the mapping can be tested on its own.
"""

from django.db import migrations

# What each old event recorded, by the state it moved to. Literal values, not the enums,
# so the migration means the same thing whatever the enums become.
APPLICATION_ACTIONS = {
    "submitted": "application.submitted",
    "clarification": "application.returned",
    "withdrawn": "application.withdrawn",
    "approved": "application.approved",
    "declined": "application.declined",
    "deferred": "application.deferred",
}
RESUBMITTED = "application.resubmitted"
ROUND_ACTIONS = {
    "open": "round.opened",
    "closed": "round.closed",
    "in_review": "round.review_started",
    "decided": "round.decided",
    "archived": "round.archived",
}
APPLICATION_EVENT = "application_event"
ROUND_EVENT = "round_event"


def action_for(kind, from_state, to_state):
    """The audit action of an old `kind` of event (APPLICATION_EVENT or ROUND_EVENT)."""
    if kind == APPLICATION_EVENT:
        if (from_state, to_state) == ("clarification", "submitted"):
            return RESUBMITTED
        actions = APPLICATION_ACTIONS
    elif kind == ROUND_EVENT:
        actions = ROUND_ACTIONS
    else:
        raise ValueError(f"Not a kind of old event: {kind!r}")
    try:
        return actions[to_state]
    except KeyError:
        raise ValueError(f"No audit action for a {kind} to {to_state!r}") from None


def event_fields(
    kind,
    *,
    pk,
    object_pk,
    label,
    application_pk,
    round_pk,
    actor_id,
    from_state,
    to_state,
    note,
    at,
):
    """The AuditEvent fields (all but the content type) of one old event row."""
    return {
        "action": action_for(kind, from_state, to_state),
        "actor_id": actor_id,
        "object_id": str(object_pk),
        "object_label": label[:255],
        "application_pk": application_pk,
        "round_pk": round_pk,
        "from_state": from_state,
        "to_state": to_state,
        "reason": note,
        "details": {"migrated_from": kind, "id": pk},
        "at": at,
    }


def copy_events(apps, schema_editor):
    ApplicationEvent = apps.get_model("schemes", "ApplicationEvent")
    RoundEvent = apps.get_model("schemes", "RoundEvent")
    AuditEvent = apps.get_model("pacesetter", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    application_type, _created = ContentType.objects.get_or_create(
        app_label="schemes", model="application"
    )
    round_type, _created = ContentType.objects.get_or_create(app_label="schemes", model="round")
    events = []
    for event in ApplicationEvent.objects.select_related("application").order_by("pk").iterator():
        application = event.application
        events.append(
            AuditEvent(
                content_type=application_type,
                **event_fields(
                    APPLICATION_EVENT,
                    pk=event.pk,
                    object_pk=application.pk,
                    label=f"{application.reference}: {application.title}",
                    application_pk=application.pk,
                    round_pk=application.round_id,
                    actor_id=event.actor_id,
                    from_state=event.from_status,
                    to_state=event.to_status,
                    note=event.note,
                    at=event.at,
                ),
            )
        )
    for event in RoundEvent.objects.select_related("round").order_by("pk").iterator():
        events.append(
            AuditEvent(
                content_type=round_type,
                **event_fields(
                    ROUND_EVENT,
                    pk=event.pk,
                    object_pk=event.round_id,
                    label=event.round.name,
                    application_pk=None,
                    round_pk=event.round_id,
                    actor_id=event.actor_id,
                    from_state=event.from_state,
                    to_state=event.to_state,
                    note=event.note,
                    at=event.at,
                ),
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=500)


def restore_events(apps, schema_editor):
    """Put the copied events back in their own tables and take them out of the audit trail."""
    ApplicationEvent = apps.get_model("schemes", "ApplicationEvent")
    RoundEvent = apps.get_model("schemes", "RoundEvent")
    AuditEvent = apps.get_model("pacesetter", "AuditEvent")
    copied = AuditEvent.objects.filter(
        details__migrated_from__in=[APPLICATION_EVENT, ROUND_EVENT]
    ).order_by("pk")
    for event in copied.iterator():
        common = {
            "pk": event.details["id"],
            "actor_id": event.actor_id,
            "note": event.reason,
        }
        if event.details["migrated_from"] == APPLICATION_EVENT:
            restored = ApplicationEvent.objects.create(
                application_id=int(event.object_id),
                from_status=event.from_state,
                to_status=event.to_state,
                **common,
            )
            ApplicationEvent.objects.filter(pk=restored.pk).update(at=event.at)
        else:
            restored = RoundEvent.objects.create(
                round_id=int(event.object_id),
                from_state=event.from_state,
                to_state=event.to_state,
                **common,
            )
            RoundEvent.objects.filter(pk=restored.pk).update(at=event.at)
    copied.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("pacesetter", "0002_audit_event"),
        ("schemes", "0008_round_figures_version"),
    ]

    operations = [migrations.RunPython(copy_events, restore_events)]
