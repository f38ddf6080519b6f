"""Organisations and people are edited here, audited; the audit trail itself is only read."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from pacesetter.admin_audit import AuditedAdmin, ViewOnlyAdmin
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent, Invitation, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin, TranslationAdmin):
    """An organisation; its name and former name in English and Welsh, next to each other."""

    list_display = ["name", "code", "kind", "former_name", "renamed_on"]
    list_filter = ["kind"]
    search_fields = ["name", "code", "former_name"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "organisation", "is_active", "is_staff"]
    list_filter = ["role", "organisation", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "role", "organisation", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "full_name",
                    "role",
                    "organisation",
                    "password1",
                    "password2",
                ],
            },
        )
    ]

    def user_change_password(self, request, id, form_url=""):
        """Set a password in the admin, audited: the event names the password, not its value."""
        request.audits_password_change = True
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        # The password page saves its own form, past save_model, and then logs the change.
        if getattr(request, "audits_password_change", False):
            audit_record(
                AuditAction.ADMIN_CHANGED,
                actor=request.user,
                obj=obj,
                details={"fields": ["password"]},
            )
        return super().log_change(request, obj, message)


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    """The audit trail: written only by `pacesetter.audit.audit_record`, never edited."""

    list_display = ["at", "actor", "action", "object_label", "from_state", "to_state"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor"]
    search_fields = ["object_label", "reason", "actor__email"]
    date_hierarchy = "at"


@admin.register(Invitation)
class InvitationAdmin(ViewOnlyAdmin, admin.ModelAdmin):
    """Invitations: made, sent again and accepted only on the People page, never here."""

    list_display = ["email", "full_name", "role", "organisation", "created_at", "used_at"]
    list_filter = ["role"]
    list_select_related = ["organisation"]
    search_fields = ["email", "full_name"]
    exclude = ["token_hash"]
