"""Applications (schemes), their answers, ticks and budgets."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Min, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pacesetter.models import LANGUAGES
from schemes.budget import (
    LINE_FIGURES,
    BudgetTotals,
    budget_totals,
    costed_amount,
    requested_totals,
)
from schemes.enums import (
    PERCENTAGE_BASE_CHOICES,
    ApplicationStatus,
    BudgetCategory,
)

MONEY = {"max_digits": 12, "decimal_places": 2}
MAX_AMOUNT = 100_000_000


def costed_pence():
    """A costed line's amount in whole pence, as `schemes.budget.costed_amount` has it.

    The fixed amount if there is one, otherwise quantity x unit cost, otherwise nothing. Both
    are stored to the penny, so in whole pence the sums are exact on every database.
    """
    return Coalesce(
        Cast(Round(F("amount") * 100), models.BigIntegerField()),
        Cast(Round(F("unit_cost") * 100), models.BigIntegerField()) * F("quantity"),
        Value(0),
        output_field=models.BigIntegerField(),
    )


def pounds(pence):
    return Decimal(int(pence)).scaleb(-2)


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applications a user may open: their own organisation's, or all for managers.

        The scoped twin of `schemes.view_application`. Reviewers see nothing here until they
        are assigned (the review workflow scopes them). By role alone: the superuser flag
        opens the Django admin, not more of the portal.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_manager:
            return self
        if user.is_applicant and user.organisation_id:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()

    def requested_totals(self):
        """Return {application id: amount requested} for these applications, in two queries.

        For long lists. The database adds up each year's costed lines by category, exactly, in
        whole pence (`costed_pence`); the percentage lines come as they are; `schemes.budget`
        does the rest, so the totals are those of `Application.totals()` to the penny.
        """
        lines = BudgetLine.objects.filter(application__in=self.order_by().values("pk")).order_by()
        percentage_lines = lines.filter(percentage__isnull=False).values_list(
            "application_id", *LINE_FIGURES
        )
        costed_by_category = (
            lines.filter(percentage__isnull=True)
            .values("application_id", "year", "category")
            .annotate(first=Min("order"), pence=Sum(costed_pence()))
            .values_list("application_id", "year", "first", "category", "pence")
        )
        rows = [
            *percentage_lines,
            *(
                (application, year, order, category, None, None, pounds(pence), None, "")
                for application, year, order, category, pence in costed_by_category
            ),
        ]
        return requested_totals(rows)

    def matching(self, search):
        """Applications whose reference, title or organisation's name contains `search`."""
        if not search:
            return self
        return self.filter(
            Q(reference__icontains=search)
            | Q(title__icontains=search)
            | Q(organisation__name__icontains=search)
            | Q(organisation__former_name__icontains=search)
        )


class Application(models.Model):
    """A scheme an organisation asks a round to fund.

    Its budget totals come from `budget_totals()` in `schemes.budget`, through `totals()` (one
    application) or `Application.objects.requested_totals()` (a long list). Everything it shows
    (answers, budget, ticks, attachments) is gathered by
    `schemes.domain.document.application_document()`.
    """

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    round = models.ForeignKey(
        "schemes.Round",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("round"),
    )
    organisation = models.ForeignKey(
        "pacesetter.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("scheme title"), max_length=300)
    # What the applicant writes in: their pages for it come in this language, its mail to
    # them too, and pages in the other language mark its answers with this `lang`.
    language = models.CharField(
        _("language of the application"), max_length=5, choices=LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    components = models.ManyToManyField(
        "schemes.StrategicComponent",
        blank=True,
        related_name="applications",
        verbose_name=_("strategic components"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    declaration_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("declaration confirmed by"),
    )
    declaration_confirmed_at = models.DateTimeField(
        _("declaration confirmed"), null=True, blank=True
    )
    clarification_request = models.TextField(
        _("clarification requested"),
        blank=True,
        help_text=_("The programme manager's message when the application is returned."),
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save, to refuse stale edits.")
    )

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[components])

    class Meta:
        ordering = ["reference"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("schemes:application_detail", args=[self.reference])

    def audit_scope(self):
        """The timelines this application's audit events belong on: its own and its round's."""
        return self.pk, self.round_id

    @property
    def organisation_name(self):
        """The organisation's name as it was when the scheme was to start."""
        return self.organisation.name_on(self.start_date)

    def totals(self) -> BudgetTotals:
        """Return the budget totals (uses prefetched lines and other funding when present)."""
        return budget_totals(self.budget_lines.all(), self.other_funding.all())


class Answer(models.Model):
    """An application's answer to one question of its round's form."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="answers", verbose_name=_("application")
    )
    question = models.ForeignKey(
        "schemes.Question", on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    text = models.TextField(_("answer"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "question__section__number", "question__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"], name="one_answer_per_question"
            )
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return f"{self.application.reference}: {self.question}"


class BudgetLine(models.Model):
    """One costed line of a budget year: quantity x unit cost, a fixed amount, or a percentage.

    Amounts are worked out by `schemes.budget`; a line never stores its own total.
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="budget_lines",
        verbose_name=_("application"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(
        _("quantity"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    unit_cost = models.DecimalField(
        _("unit cost (£)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    amount = models.DecimalField(
        _("fixed amount (£)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    percentage = models.DecimalField(
        _("percentage"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    percentage_of = models.CharField(
        _("percentage of"), max_length=20, choices=PERCENTAGE_BASE_CHOICES, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "year", "order", "pk"]
        constraints = [
            # Exactly one way of costing a line.
            models.CheckConstraint(
                condition=(
                    Q(
                        quantity__isnull=False,
                        unit_cost__isnull=False,
                        amount__isnull=True,
                        percentage__isnull=True,
                    )
                    | Q(
                        quantity__isnull=True,
                        unit_cost__isnull=True,
                        amount__isnull=False,
                        percentage__isnull=True,
                    )
                    | Q(
                        quantity__isnull=True,
                        unit_cost__isnull=True,
                        amount__isnull=True,
                        percentage__isnull=False,
                    )
                ),
                name="budget_line_costed_one_way",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="budget_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(unit_cost__isnull=True) | Q(unit_cost__gte=0),
                name="budget_unit_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(percentage__isnull=True) | Q(percentage__gte=0, percentage__lte=100),
                name="budget_percentage_in_range",
            ),
        ]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self):
        return self.description

    @property
    def is_percentage(self):
        return self.percentage is not None

    @property
    def costed_amount(self):
        return costed_amount(self)


class OtherFunding(models.Model):
    """Money from elsewhere that cross-subsidises a scheme; it counts toward total project cost."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="other_funding",
        verbose_name=_("application"),
    )
    source = models.CharField(_("source"), max_length=300)
    amount = models.DecimalField(
        _("amount (£)"),
        **MONEY,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="other_funding_not_negative")
        ]
        verbose_name = _("other funding")
        verbose_name_plural = _("other funding")

    def __str__(self):
        return self.source
