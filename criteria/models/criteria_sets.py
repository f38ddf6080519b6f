"""Criteria sets: the national criteria a round's applications are scored against."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from criteria import wording


class CriteriaSet(models.Model):
    """A versioned set of criteria with its sources and scoring scale.

    A set that a round has used is never changed, only copied to a new version.
    """

    code = models.SlugField(_("code"), max_length=20, help_text=_("e.g. 2020-22"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    sources_heading = models.TextField(
        _("sources heading"),
        blank=True,
        help_text=_('The line above the sources, e.g. "Criteria based on ..."'),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_criteria_set_version")
        ]
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")

    def __str__(self):
        return f"{self.title} (v{self.version})"

    def get_absolute_url(self):
        return reverse("criteria:criteria_set_detail", args=[self.code, self.version])

    @property
    def is_grouped(self):
        return self.groups.exists()

    @property
    def scale_min(self):
        return min((point.value for point in self.scale_points.all()), default=0)

    @property
    def scale_max(self):
        return max((point.value for point in self.scale_points.all()), default=0)


class CriterionGroup(models.Model):
    """A numbered group of criteria with the words that introduce it (2020-22: groups 1-4)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="groups", verbose_name=_("criteria set")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    preamble = models.TextField(_("preamble"))

    class Meta:
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="unique_group_number")
        ]
        verbose_name = _("criterion group")
        verbose_name_plural = _("criterion groups")

    def __str__(self):
        return f"{self.number}. {self.preamble}"


class Criterion(models.Model):
    """One criterion, worded exactly as the set prints it, with its key phrases in **bold**."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("criteria set"),
    )
    group = models.ForeignKey(
        CriterionGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criteria",
        verbose_name=_("group"),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(
        _("label"), max_length=10, help_text=_("As printed: 1a, 2c for a grouped set; 1-8 flat.")
    )
    wording = models.TextField(
        _("wording"), help_text=_("Mark each key phrase (the bold text) as **key phrase**.")
    )
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["criteria_set", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "label"], name="unique_criterion_label"
            ),
            models.UniqueConstraint(
                fields=["criteria_set", "position"], name="unique_criterion_position"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            ),
        ]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return f"{self.label}. {self.plain_wording[:80]}"

    @property
    def key_phrases(self):
        return wording.key_phrases(self.wording)

    @property
    def plain_wording(self):
        return wording.plain(self.wording)

    @property
    def wording_html(self):
        return wording.as_html(self.wording)


class CriteriaSource(models.Model):
    """A document the criteria are based on."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name=_("criteria set"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="unique_source_number")
        ]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.text


class ScalePoint(models.Model):
    """One point of a set's scoring scale and its label (default 0-5)."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="scale_points",
        verbose_name=_("criteria set"),
    )
    value = models.PositiveSmallIntegerField(_("score"))
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        ordering = ["criteria_set", "value"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "value"], name="unique_scale_value")
        ]
        verbose_name = _("scale point")
        verbose_name_plural = _("scale points")

    def __str__(self):
        return f"{self.value}: {self.label}"
