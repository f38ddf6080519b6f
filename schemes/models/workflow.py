"""The record around an application's workflow: state changes, clarifications, extensions."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schemes.enums import ApplicationStatus, AttachmentKind, RoundState


class ApplicationEvent(models.Model):
    """One state change of an application: who moved it, from what, to what, when, and why.

    Written only by `schemes.domain.applications.transition_application`.
    """

    application = models.ForeignKey(
        "schemes.Application",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["application", "at", "pk"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.application.reference}: {self.from_status} → {self.to_status}"


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


def attachment_path(instance, filename):
    """Store under a server-generated name: nothing the applicant chose reaches the disk."""
    return f"attachments/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file attached to an application (plan on a page, logic model, evaluation plan).

    The file lives under MEDIA_ROOT, outside the static folder, with a generated name; it is
    served only through the permission-checked download view.
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


class RoundEvent(models.Model):
    """One state change of a round. Written only by `schemes.domain.rounds.round_transition`."""

    round = models.ForeignKey(
        "schemes.Round", on_delete=models.CASCADE, related_name="events", verbose_name=_("round")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    from_state = models.CharField(_("from"), max_length=20, choices=RoundState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=RoundState.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["round", "at", "pk"]
        verbose_name = _("round event")
        verbose_name_plural = _("round events")

    def __str__(self):
        return f"{self.round}: {self.from_state} → {self.to_state}"
