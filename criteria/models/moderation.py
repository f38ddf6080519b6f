"""Moderation: the panel chair's consensus score where reviewers disagree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Moderation(models.Model):
    """A consensus score on one criterion of one application, with the chair's rationale.

    The final score of that criterion is this score, whatever the reviewers gave
    (see `criteria.domain.aggregation`).
    """

    application = models.ForeignKey(
        "schemes.Application",
        on_delete=models.CASCADE,
        related_name="moderations",
        verbose_name=_("application"),
    )
    criterion = models.ForeignKey(
        "criteria.Criterion",
        on_delete=models.PROTECT,
        related_name="moderations",
        verbose_name=_("criterion"),
    )
    score = models.PositiveSmallIntegerField(_("moderated score"))
    rationale = models.TextField(_("rationale"))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="one_moderation_per_criterion"
            )
        ]
        verbose_name = _("moderation")
        verbose_name_plural = _("moderations")

    def __str__(self):
        return f"{self.application.reference} {self.criterion.label}: {self.score}"

    def audit_scope(self):
        """The timelines this record's audit events belong on: its application's and its round's."""
        return self.application_id, self.application.round_id
