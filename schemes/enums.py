"""Choices for rounds, applications and budgets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("In review")
    DECIDED = "decided", _("Decided")
    ARCHIVED = "archived", _("Archived")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CLARIFICATION = "clarification", _("Returned for clarification")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    DEFERRED = "deferred", _("Deferred")


# An applicant may change an application's content only in these statuses.
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.CLARIFICATION)

# The status groups every round figure is counted over: each group has one name, here.
# Submitted and still needing a decision; returned for clarification counts, since it comes
# back to the panel once the board resubmits, and deferred is not a decision yet.
AWAITING_DECISION_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CLARIFICATION,
    ApplicationStatus.DEFERRED,
)
# Final decisions: the application is locked and its feedback can be released.
DECIDED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.DECLINED)
# What the panel scores and ranks, and every round figure counts: submitted, not withdrawn.
RANKED_STATUSES = (*AWAITING_DECISION_STATUSES, *DECIDED_STATUSES)
# A programme manager may record a decision on an application in these statuses.
DECIDABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.DEFERRED)
# Statuses that tell the panel's outcome, deferral included: an applicant sees them as
# submitted until the round's feedback is released.
OUTCOME_STATUSES = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.DEFERRED,
)


class QuestionKind(models.TextChoices):
    """What a question of the form collects; most are free text."""

    TEXT = "text", _("Free text")
    ORGANISATION = "organisation", _("Applying organisation")
    TITLE = "title", _("Scheme title")
    BUDGET = "budget", _("Allocation requested (budget)")
    START_DATE = "start_date", _("Start date")
    DURATION = "duration", _("Duration")


class BudgetCategory(models.TextChoices):
    STAFF = "staff", _("Staff")
    NON_STAFF = "non_staff", _("Non-staff")
    EVALUATION = "evaluation", _("Evaluation")
    OVERHEADS = "overheads", _("Overheads")
    OTHER = "other", _("Other")


# What a percentage line is a percentage of: every costed line of its year, or one category's.
PERCENTAGE_OF_YEAR = "year"
PERCENTAGE_BASE_CHOICES = [(PERCENTAGE_OF_YEAR, _("All costed lines of the year"))] + [
    (value, label) for value, label in BudgetCategory.choices
]


class AttachmentKind(models.TextChoices):
    PLAN_ON_A_PAGE = "plan_on_a_page", _("Plan on a page")
    LOGIC_MODEL = "logic_model", _("Logic model")
    EVALUATION_PLAN = "evaluation_plan", _("Evaluation plan")


class ScoreAggregation(models.TextChoices):
    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    DEFERRED = "deferred", _("Deferred")
