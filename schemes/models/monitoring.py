"""Monitoring after funding: delivery agreements, measures, variations, quarterly reports.

Every record here is written by `schemes.domain.monitoring` (agreements, measures and
variations by `.agreements`, reports by `.reports`, reminders by `.reminders`); the figures
derived from them have one owner each: spend against budget `schemes.domain.monitoring.spend.
spend_position`, a measure's trend `schemes.domain.monitoring.trends.measure_trend`, the
reporting periods `schemes.domain.monitoring.periods.reporting_periods`.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from schemes.enums import (
    AgreementStatus,
    BudgetCategory,
    CollectionFrequency,
    MeasureKind,
    MilestoneStatus,
    Rating,
    ReminderKind,
    ReportStatus,
    SchemeStatus,
    VariationStatus,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
# Forms cap free text at these lengths (a TextField has no limit of its own).
LONG_TEXT = 5000
SHORT_TEXT = 2000
# A measure's values are kept as typed: a number for a numeric unit, words otherwise.
VALUE_LENGTH = 100
DEFAULT_REPORT_DUE_DAYS = 20
DEFAULT_VARIANCE_THRESHOLD = Decimal("10.00")


class DeliveryAgreementQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agreements a user may open: their own board's, or all for programme managers.

        The scoped twin of `schemes.view_agreement`. Reviewers see no monitoring. By role
        alone, like `Application.objects.visible_to`.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_manager:
            return self
        if user.is_applicant and user.organisation_id:
            return self.filter(application__organisation_id=user.organisation_id)
        return self.none()


class DeliveryAgreement(models.Model):
    """What Welsh Government and a board agree for one approved application.

    The approved amount is the decision's (`approved_amount`), never stored here. Dates,
    conditions and the reporting schedule change while it is a draft
    (`agreements.agreement_update`), and after acceptance only by an approved variation.
    Its reporting periods are `ReportingPeriod` rows generated from the dates by
    `periods.reporting_periods`.
    """

    application = models.OneToOneField(
        "schemes.Application",
        on_delete=models.PROTECT,
        related_name="delivery_agreement",
        verbose_name=_("application"),
    )
    status = models.CharField(
        _("status"),
        max_length=30,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
    )
    conditions = models.TextField(_("conditions"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    report_due_days = models.PositiveSmallIntegerField(
        _("report due (days after the quarter ends)"),
        default=DEFAULT_REPORT_DUE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    variance_threshold = models.DecimalField(
        _("variance flagged beyond (%)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_VARIANCE_THRESHOLD,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save, to refuse stale edits.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set up by"),
    )
    created_at = models.DateTimeField(_("set up"), auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    objects = DeliveryAgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["application__reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="agreement_ends_after_it_starts",
            )
        ]
        verbose_name = _("delivery agreement")
        verbose_name_plural = _("delivery agreements")

    def __str__(self):
        return str(
            _("Delivery agreement for %(reference)s") % {"reference": self.application.reference}
        )

    def audit_scope(self):
        """The timelines this agreement's audit events belong on: its application's and round's."""
        return self.application_id, self.application.round_id

    @property
    def approved_amount(self) -> Decimal:
        """The amount the decision approved: the decision owns it."""
        return self.application.decision.approved_amount

    @property
    def organisation_id(self):
        return self.application.organisation_id


class ScopedToAgreement:
    """A record that belongs on its agreement's application's and round's timelines."""

    def audit_scope(self):
        return self.agreement.audit_scope()


class Milestone(ScopedToAgreement, models.Model):
    """A key stage of the scheme with its due date; drawn from the application's key stages
    by `agreements.milestones_from_key_stages`, edited while the agreement is a draft."""

    agreement = models.ForeignKey(
        DeliveryAgreement,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("delivery agreement"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("milestone"), max_length=300)
    due_date = models.DateField(_("due date"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "order", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class BudgetProfileLine(ScopedToAgreement, models.Model):
    """The approved money for one financial year and category.

    Generated by `agreements.budget_profile` from the application's budget totals
    (`schemes.budget.budget_totals`) scaled to the approved amount; the lines always sum to
    it exactly. `financial_year` is the year the financial year starts: 2018 is 2018-19.
    """

    agreement = models.ForeignKey(
        DeliveryAgreement,
        on_delete=models.CASCADE,
        related_name="profile_lines",
        verbose_name=_("delivery agreement"),
    )
    financial_year = models.PositiveSmallIntegerField(
        _("financial year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    approved_amount = models.DecimalField(
        _("approved (£)"), **MONEY, validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "financial_year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "financial_year", "category"], name="one_profile_line_each"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__gte=0), name="profile_amount_not_negative"
            ),
        ]
        verbose_name = _("budget profile line")
        verbose_name_plural = _("budget profile lines")

    def __str__(self):
        return f"{financial_year_label(self.financial_year)} {self.get_category_display()}"


def financial_year_label(year):
    """2018 -> "2018-19"."""
    return f"{year}-{(year + 1) % 100:02d}"


class Measure(ScopedToAgreement, models.Model):
    """An evaluation measure: process, outcome or balancing, with a baseline and a target.

    Values are kept as typed; where `is_numeric`, they are numbers (checked by
    `agreements.measure_problems`). Its trend is `trends.measure_trend`.
    """

    agreement = models.ForeignKey(
        DeliveryAgreement,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("delivery agreement"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=MeasureKind.choices)
    name = models.CharField(_("name"), max_length=200)
    definition = models.TextField(
        _("definition"), help_text=_("What is counted."), max_length=SHORT_TEXT
    )
    numerator = models.CharField(_("numerator"), max_length=300, blank=True)
    denominator = models.CharField(_("denominator"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=100)
    is_numeric = models.BooleanField(_("values are numbers"), default=True)
    data_source = models.CharField(_("data source"), max_length=300)
    collection_frequency = models.CharField(
        _("how often it is collected"), max_length=20, choices=CollectionFrequency.choices
    )
    baseline_value = models.CharField(_("baseline value"), max_length=VALUE_LENGTH, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.CharField(_("target value"), max_length=VALUE_LENGTH)
    target_date = models.DateField(_("target date"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=True)
                | Q(baseline_date__lte=models.F("target_date")),
                name="measure_baseline_not_after_target",
            )
        ]
        verbose_name = _("evaluation measure")
        verbose_name_plural = _("evaluation measures")

    def __str__(self):
        return self.name


class Variation(ScopedToAgreement, models.Model):
    """A change to an accepted agreement: proposed, then approved (and applied) or refused.

    Written by `agreements.variation_propose`, `variation_approve` and `variation_refuse`.
    `new_milestone_dates` maps a milestone's id (as text) to an ISO date; `new_profile` maps
    "<financial year>:<category>" to an amount in pounds (as text) and replaces the whole
    profile, which must still sum to the approved amount.
    """

    agreement = models.ForeignKey(
        DeliveryAgreement,
        on_delete=models.CASCADE,
        related_name="variations",
        verbose_name=_("delivery agreement"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VariationStatus.choices,
        default=VariationStatus.PROPOSED,
    )
    description = models.TextField(_("what changes"), max_length=LONG_TEXT)
    reason = models.TextField(_("reason"), max_length=LONG_TEXT)
    new_end_date = models.DateField(_("new end date"), null=True, blank=True)
    new_milestone_dates = models.JSONField(_("new milestone dates"), default=dict, blank=True)
    new_profile = models.JSONField(_("new budget profile"), default=dict, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "proposed_at", "pk"]
        verbose_name = _("variation")
        verbose_name_plural = _("variations")

    def __str__(self):
        return str(
            _("Variation %(pk)s of %(agreement)s") % {"pk": self.pk, "agreement": self.agreement}
        )


class ReportingPeriod(ScopedToAgreement, models.Model):
    """One quarter of an agreement's reporting schedule and the day its report is due.

    Generated by `periods.reporting_periods` when the agreement is set up or its dates
    change; a period has at most one report (`QuarterlyReport.period` is one-to-one).
    """

    agreement = models.ForeignKey(
        DeliveryAgreement,
        on_delete=models.CASCADE,
        related_name="periods",
        verbose_name=_("delivery agreement"),
    )
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    due_date = models.DateField(_("report due"))

    class Meta:
        ordering = ["agreement", "start"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "start"], name="one_period_per_quarter")
        ]
        indexes = [models.Index(fields=["due_date"], name="period_due_date")]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")

    def __str__(self):
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def financial_year(self):
        return financial_year_of(self.start)


def financial_year_of(day):
    """The financial year (April to March) `day` falls in, by its first year: 2018-19 is 2018."""
    return day.year if day.month >= 4 else day.year - 1


class QuarterlyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports a user may open: their own board's, or all for programme managers.

        The scoped twin of `schemes.view_report`; reviewers see none.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_manager:
            return self
        if user.is_applicant and user.organisation_id:
            return self.filter(agreement__application__organisation_id=user.organisation_id)
        return self.none()


class QuarterlyReport(ScopedToAgreement, models.Model):
    """A board's report for one reporting period: draft -> submitted -> accepted or returned.

    Written by `schemes.domain.monitoring.reports` (start, save, submit, accept, return).
    Every submission is kept whole as a `ReportVersion`. Its spend counts toward spent to
    date while it is submitted or accepted (`REPORT_COUNTED_STATUSES`, `spend.spend_position`).
    """

    agreement = models.ForeignKey(
        DeliveryAgreement,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("delivery agreement"),
    )
    period = models.OneToOneField(
        ReportingPeriod,
        on_delete=models.PROTECT,
        related_name="report",
        verbose_name=_("reporting period"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    delivery_rating = models.CharField(
        _("overall delivery rating"), max_length=10, choices=Rating.choices, blank=True
    )
    delivery_narrative = models.TextField(
        _("about the delivery rating"), blank=True, max_length=LONG_TEXT
    )
    spend_rating = models.CharField(
        _("spend rating"), max_length=10, choices=Rating.choices, blank=True
    )
    spend_narrative = models.TextField(
        _("about the spend rating"), blank=True, max_length=LONG_TEXT
    )
    risks = models.TextField(_("risks and issues"), blank=True, max_length=LONG_TEXT)
    learning = models.TextField(_("learning this quarter"), blank=True, max_length=LONG_TEXT)
    scheme_status = models.CharField(
        _("scheme status"),
        max_length=20,
        choices=SchemeStatus.choices,
        default=SchemeStatus.ONGOING,
    )
    scheme_status_date = models.DateField(_("status since"), null=True, blank=True)
    scheme_status_reason = models.TextField(
        _("reason for the status"), blank=True, max_length=SHORT_TEXT
    )
    manager_comments = models.TextField(
        _("comments from Welsh Government"), blank=True, max_length=LONG_TEXT
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save, to refuse stale edits.")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_at = models.DateTimeField(_("accepted or returned"), null=True, blank=True)

    objects = QuarterlyReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "period__start"]
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")

    def __str__(self):
        return str(
            _("Report for %(period)s, %(reference)s")
            % {"period": self.period, "reference": self.agreement.application.reference}
        )

    @property
    def organisation_id(self):
        return self.agreement.application.organisation_id


class ScopedToReport:
    def audit_scope(self):
        return self.report.audit_scope()


class ReportVersion(ScopedToReport, models.Model):
    """A submitted report exactly as it was submitted: the whole report as JSON.

    Written by `reports.report_submit`; never changed. One row per submission, numbered.
    """

    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("report"),
    )
    number = models.PositiveSmallIntegerField(_("submission"))
    snapshot = models.JSONField(_("report as submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"))

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="one_version_number_each")
        ]
        verbose_name = _("submitted report version")
        verbose_name_plural = _("submitted report versions")

    def __str__(self):
        return f"{self.report} ({self.number})"


class MilestoneProgress(ScopedToReport, models.Model):
    """A milestone's progress as one report tells it; status blank until the lead picks one."""

    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.CASCADE,
        related_name="milestone_progress",
        verbose_name=_("report"),
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="+", verbose_name=_("milestone")
    )
    status = models.CharField(
        _("progress"), max_length=20, choices=MilestoneStatus.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True, max_length=SHORT_TEXT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "milestone__order", "milestone__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "milestone"], name="one_progress_per_milestone"
            )
        ]
        verbose_name = _("milestone progress")
        verbose_name_plural = _("milestone progress")

    def __str__(self):
        return f"{self.milestone}: {self.get_status_display()}"


class SpendLine(ScopedToReport, models.Model):
    """Spend of one category in a report's period, and the forecast for the rest of its year.

    The category must be in the agreement's profile for the period's financial year.
    """

    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.CASCADE,
        related_name="spend_lines",
        verbose_name=_("report"),
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    actual = models.DecimalField(
        _("spent in the period (£)"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    forecast = models.DecimalField(
        _("forecast for the rest of the year (£)"),
        **MONEY,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "category"]
        constraints = [
            models.UniqueConstraint(fields=["report", "category"], name="one_spend_line_each"),
            models.CheckConstraint(
                condition=Q(actual__gte=0, forecast__gte=0), name="spend_not_negative"
            ),
        ]
        verbose_name = _("spend line")
        verbose_name_plural = _("spend lines")

    def __str__(self):
        return self.get_category_display()


class MeasureValue(ScopedToReport, models.Model):
    """A measure's value for one report's period, or "not collected" with a reason."""

    report = models.ForeignKey(
        QuarterlyReport,
        on_delete=models.CASCADE,
        related_name="measure_values",
        verbose_name=_("report"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, related_name="values", verbose_name=_("measure")
    )
    value = models.CharField(_("value"), max_length=VALUE_LENGTH, blank=True)
    not_collected = models.BooleanField(_("not collected this period"), default=False)
    not_collected_reason = models.TextField(
        _("why it was not collected"), blank=True, max_length=SHORT_TEXT
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "measure__order", "measure__pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "measure"], name="one_value_per_measure")
        ]
        verbose_name = _("measure value")
        verbose_name_plural = _("measure values")

    def __str__(self):
        return f"{self.measure}: {self.value}"


class MonitoringReminder(models.Model):
    """A reminder sent for one reporting period; the unique (period, kind) makes it once only.

    `reminders.send_reminders` inserts the row before sending, so of two servers running the
    command at once only one sends.
    """

    period = models.ForeignKey(
        ReportingPeriod,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("reporting period"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["period", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["period", "kind"], name="one_reminder_of_each_kind")
        ]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")

    def __str__(self):
        return f"{self.period}: {self.get_kind_display()}"

    def audit_scope(self):
        return self.period.audit_scope()
