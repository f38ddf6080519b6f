"""What programme managers produce for people who never open the portal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pacesetter.models import LANGUAGES


class CommitteePaper(models.Model):
    """The narrative of a round's committee paper, in the shape of a commissioning paper.

    The programme manager writes these parts; every number in the paper comes from the
    record when it is rendered.
    """

    round = models.OneToOneField(
        "schemes.Round",
        on_delete=models.CASCADE,
        related_name="committee_paper",
        verbose_name=_("round"),
    )
    committee = models.CharField(
        _("committee"), max_length=200, default="Pacesetter Programme Board"
    )
    meeting_date = models.DateField(_("date of meeting"), null=True, blank=True)
    agenda_item = models.CharField(_("agenda item"), max_length=20, blank=True)
    paper_number = models.CharField(_("paper number"), max_length=40, blank=True)
    key_issues = models.TextField(_("key issues"), blank=True)
    strategic_objectives = models.TextField(_("strategic objectives"), blank=True)
    actions_requested = models.TextField(_("actions requested / recommendation"), blank=True)
    principal_risks = models.TextField(_("principal risks"), blank=True)
    other_committees = models.TextField(
        _("other committees or groups that considered the evidence"), blank=True
    )
    financial_implications = models.TextField(_("financial and resource implications"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee paper")
        verbose_name_plural = _("committee papers")

    def __str__(self):
        return f"{self.round}: {self.committee}"

    def audit_scope(self):
        """The timeline this record's audit events belong on: its round's."""
        return None, self.round_id


class PackJob(models.Model):
    """One request to generate a round's appraisal pack in the background, and its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    round = models.ForeignKey(
        "schemes.Round", on_delete=models.CASCADE, related_name="pack_jobs", verbose_name=_("round")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    reviewers_named = models.BooleanField(_("reviewers named"), default=False)
    # The language the pack is written in: the one its requester chose.
    language = models.CharField(_("language"), max_length=5, choices=LANGUAGES, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    pdf = models.FileField(_("pack"), upload_to="packs/", blank=True, max_length=200)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("appraisal pack")
        verbose_name_plural = _("appraisal packs")

    def __str__(self):
        return f"{self.round}: {self.get_status_display()} ({self.progress}%)"

    def audit_scope(self):
        """The timeline this record's audit events belong on: its round's."""
        return None, self.round_id
