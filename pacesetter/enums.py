"""Choices shared across the portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Health board lead (applicant)")
    REVIEWER = "reviewer", _("Panel reviewer")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")


class OrganisationKind(models.TextChoices):
    HEALTH_BOARD = "health_board", _("Health board")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other body")
