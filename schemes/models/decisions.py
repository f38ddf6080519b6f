"""The funding decision on an application."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schemes.enums import DecisionOutcome


class Decision(models.Model):
    """Approved (with an amount, which may be less than requested, and conditions), declined
    (with reasons) or deferred; who decided and when.

    Written only by `schemes.domain.decisions`, together with the application's status.
    """

    application = models.OneToOneField(
        "schemes.Application",
        on_delete=models.CASCADE,
        related_name="decision",
        verbose_name=_("application"),
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=DecisionOutcome.choices)
    approved_amount = models.DecimalField(
        _("approved amount (£)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    conditions = models.TextField(_("conditions"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome=DecisionOutcome.APPROVED, approved_amount__isnull=False)
                    | (~Q(outcome=DecisionOutcome.APPROVED) & Q(approved_amount__isnull=True))
                ),
                name="approved_amount_only_when_approved",
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                name="approved_amount_not_negative",
            ),
        ]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.application.reference}: {self.get_outcome_display()}"

    def audit_scope(self):
        """The timelines this record's audit events belong on: its application's and its round's."""
        return self.application_id, self.application.round_id
