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


# Monitoring: what happens to a scheme after it is funded.


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Awaiting acceptance")
    ACCEPTED = "accepted", _("Accepted")


class MeasureKind(models.TextChoices):
    """Public Health Wales's common structure for evaluation measures (seed 003)."""

    PROCESS = "process", _("Process")
    OUTCOME = "outcome", _("Outcome")
    BALANCING = "balancing", _("Balancing")


class CollectionFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    TWICE_A_YEAR = "twice_a_year", _("Twice a year")
    ANNUALLY = "annually", _("Annually")
    ONCE = "once", _("Once")


class VariationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


# A lead may change a report's content only in these statuses.
REPORT_EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
# Reports whose spend counts toward spent to date: what the board has put its name to and
# Welsh Government has not sent back. A returned report counts again once resubmitted.
REPORT_COUNTED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class Rating(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


class MilestoneStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    DONE = "done", _("Done")


class SchemeStatus(models.TextChoices):
    """A scheme's status over time, as seed 003's Appendix 1 prints it."""

    ONGOING = "ongoing", _("Ongoing")
    MAINSTREAMED = "mainstreamed", _("Mainstreamed")
    STOPPED = "stopped", _("Stopped")
    COMPLETED = "completed", _("Completed")
    OTHER_FUNDING = "other_funding", _("Continuing on other funding")


class LearningStatus(models.TextChoices):
    """Where a learning summary is: written by the lead, published by a programme manager."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned")


# A lead may change a learning summary's content only in these statuses.
LEARNING_EDITABLE_STATUSES = (LearningStatus.DRAFT, LearningStatus.RETURNED)


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Report due in 7 days")
    OVERDUE = "overdue", _("Report overdue")
