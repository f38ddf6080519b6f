"""The record around an application's workflow: state changes, clarifications, extensions."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schemes.enums import AttachmentKind


class DeadlineExtension(models.Model):
    """A later deadline granted to one organisation in one round."""

    round = models.ForeignKey(
        "schemes.Round",
        on_delete=models.CASCADE,
        related_name="extensions",
        verbose_name=_("round"),
    )
    organisation = models.ForeignKey(
        "pacesetter.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    until = models.DateTimeField(_("extended until"))
    reason = models.TextField(_("reason"), blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="one_extension_per_org")
        ]
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self):
        return f"{self.round}: {self.organisation} until {self.until:%Y-%m-%d %H:%M}"

    def audit_scope(self):
        """The timeline this record's audit events belong on: its round's."""
        return None, self.round_id


def attachment_path(instance, filename):
    """Store under a server-generated name: nothing the applicant chose reaches the disk."""
    return f"attachments/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file attached to an application (plan on a page, logic model, evaluation plan).

    The file lives in the default storage (the media folder, or the private object store the
    app servers share), outside the static folder, with a generated name; it is served only
    through the permission-checked download view, streamed from the storage.
    """

    application = models.ForeignKey(
        "schemes.Application",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "kind", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name
