"""The Django admin's two rules: reference data is edited and audited, workflow records are seen.

Every ModelAdmin of the portal mixes in `AuditedAdmin`, so an add, change or delete made in
the admin writes one audit event (ADMIN_ADDED / ADMIN_CHANGED / ADMIN_DELETED) in the
admin's own transaction, naming the fields changed with their old and new values. A record a
workflow writes (an application's status, a decision, a review, a budget line...) is changed
only by that workflow, which checks its table of allowed moves and audits the move; in the
admin its fields are read-only and `ViewOnlyAdmin` / `ViewOnlyInline` show it without a way
to add, change or delete it. `HistoryAdmin` shows django-simple-history's history but never
reverts to an old version: a revert writes every field at once, the workflow's included.
"""

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from simple_history.admin import SimpleHistoryAdmin

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction

# Never copied into an audit event, not even as a changed field's name.
SECRET_FIELDS = {"password"}


def shown(value):
    """`value` as the audit event keeps it: text, or a sorted list of text for many records."""
    if value is None:
        return None
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(item) for item in value)
    if isinstance(value, bool | int):
        return value
    return str(value)


def model_field_names(model):
    """The names of `model`'s own fields (m2m included) whose values an audit event may keep."""
    return {
        field.name
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and field.name not in SECRET_FIELDS
    }


def field_value(obj, name):
    """The value of field `name` of `obj` as saved: related records for an m2m field."""
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return list(getattr(obj, name).all()) if obj.pk is not None else []
    return getattr(obj, name)


def inline_changes(formsets):
    """What the saved inline formsets added, changed and deleted, by model name."""
    changes = []
    for formset in formsets:
        if not hasattr(formset, "new_objects"):
            continue
        entry = {
            "added": [str(obj) for obj in formset.new_objects],
            "changed": {
                str(obj): sorted(set(fields) - SECRET_FIELDS)
                for obj, fields in formset.changed_objects
            },
            "deleted": [str(obj) for obj in formset.deleted_objects],
        }
        if any(entry.values()):
            changes.append({"model": formset.model._meta.model_name, **entry})
    return changes


class AuditedAdmin:
    """A ModelAdmin mixin: each add, change or delete in the admin writes one audit event.

    The event is written in the admin's transaction, with the acting user as actor and, in
    `details`, the changed fields' old and new values and what the inlines changed. The
    acting user is also the django-simple-history user of every row saved or deleted.
    """

    def save_model(self, request, obj, form, change):
        names = [name for name in form.changed_data if name in model_field_names(type(obj))]
        before = {}
        if change:
            saved = type(obj)._default_manager.get(pk=obj.pk)
            before = {name: shown(field_value(saved, name)) for name in names}
        form.audit_before = (names, before)
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """Save the m2m fields and inlines, then write the one event for the whole edit.

        Runs after `save_model` in every admin view that saves, so that the event has the m2m
        fields' new values and what the inlines changed.
        """
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            names, before = getattr(form, "audit_before", ([], {}))
            details = {
                "fields": names,
                "values": {
                    name: [before.get(name), shown(field_value(obj, name))] for name in names
                },
            }
            inlines = inline_changes(formsets)
            if inlines:
                details["inlines"] = inlines
            if change and not names and not inlines:
                return  # Saved as it was: nothing happened to record.
            audit_record(
                AuditAction.ADMIN_CHANGED if change else AuditAction.ADMIN_ADDED,
                actor=request.user,
                obj=obj,
                details=details,
            )

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            inline_form.instance._history_user = request.user
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self.audit_deletion(request, obj)
            obj._history_user = request.user
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """Delete one by one, so that each deletion is audited and has its history user."""
        with transaction.atomic():
            for obj in queryset:
                self.audit_deletion(request, obj)
                obj._history_user = request.user
                obj.delete()

    def audit_deletion(self, request, obj):
        values = {
            name: shown(field_value(obj, name)) for name in sorted(model_field_names(type(obj)))
        }
        audit_record(
            AuditAction.ADMIN_DELETED, actor=request.user, obj=obj, details={"values": values}
        )


class ViewOnlyAdmin(AuditedAdmin):
    """A ModelAdmin mixin for a record a workflow writes: shown, never added, changed, deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyInline:
    """An inline for records a workflow writes: shown on the parent's page, never edited there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(AuditedAdmin, SimpleHistoryAdmin):
    """django-simple-history's history pages, without reverting to an old version."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
