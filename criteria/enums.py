"""Choices for conflicts of interest and reviews."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConflictKind(models.TextChoices):
    EMPLOYER = "employer", _("Employer or organisation")
    PERSONAL = "personal", _("Personal")
    FINANCIAL = "financial", _("Financial")
    OTHER = "other", _("Other")


class ReviewStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class Recommendation(models.TextChoices):
    FUND = "fund", _("Fund")
    FUND_WITH_CONDITIONS = "fund_with_conditions", _("Fund with conditions")
    DO_NOT_FUND = "do_not_fund", _("Do not fund")
