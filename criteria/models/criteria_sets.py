"""Criteria sets: the national criteria a round's applications are scored against."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from criteria import wording
from pacesetter.text_limits import NOTE_MAX_LENGTH


class CriteriaSetInUse(PermissionDenied):  # noqa: N818 - a refusal shown to the user
    """Refuses any change to a criteria set that a round uses, or to any of its parts.

    A PermissionDenied, not a ValidationError: nothing is wrong with the values, the change
    itself is not allowed, and wherever it escapes Django answers a 403 that shows this
    message rather than a 500.
    """

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "This criteria set is used by a funding round, so it cannot be changed. "
                "Copy it to a new version and change the copy."
            )
        )


def refuse_if_used(criteria_set_ids):
    """Raise CriteriaSetInUse if a round uses any of these criteria sets."""
    ids = {pk for pk in criteria_set_ids if pk is not None}
    if ids and CriteriaSet.objects.filter(pk__in=ids, rounds__isnull=False).exists():
        raise CriteriaSetInUse


class GuardedQuerySet(models.QuerySet):
    """Bulk writes that bypass save() and delete() still refuse to touch a used set.

    Fixture loading saves raw (`save_base(raw=True)`) and so is not guarded: reference data
    describes the sets as they were when rounds first used them.
    """

    def _criteria_set_ids(self):
        return self.values_list(self.model.criteria_set_lookup, flat=True)

    def update(self, **kwargs):
        refuse_if_used(self._criteria_set_ids())
        lookup = self.model.criteria_set_lookup
        targets = [kwargs[key] for key in (lookup, f"{lookup}_id") if key in kwargs]
        refuse_if_used(getattr(target, "pk", target) for target in targets)
        return super().update(**kwargs)

    def delete(self):
        refuse_if_used(self._criteria_set_ids())
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        refuse_if_used(obj.criteria_set_guard_id() for obj in objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        refuse_if_used(obj.criteria_set_guard_id() for obj in objs)
        refuse_if_used(
            self.filter(pk__in=[obj.pk for obj in objs]).values_list(
                self.model.criteria_set_lookup, flat=True
            )
        )
        return super().bulk_update(objs, *args, **kwargs)


class GuardedByCriteriaSet(models.Model):
    """A criteria set or one of its parts: unchangeable once a round uses the set."""

    criteria_set_lookup = "criteria_set"

    objects = GuardedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        refuse_if_used(self.criteria_set_ids_touched())
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_used(self.criteria_set_ids_touched())
        return super().delete(*args, **kwargs)

    def criteria_set_guard_id(self):
        return self.criteria_set_id

    def criteria_set_ids_touched(self):
        """The set this row belongs to, and the one it belonged to if that is changing."""
        ids = {self.criteria_set_guard_id()}
        if self.pk is not None and self.criteria_set_lookup != "pk":
            ids.update(
                type(self)
                ._base_manager.filter(pk=self.pk)
                .values_list(self.criteria_set_lookup, flat=True)
            )
        return ids


class CriteriaSet(GuardedByCriteriaSet):
    """A versioned set of criteria with its sources and scoring scale.

    A set that a round has used is never changed, only copied to a new version
    (`criteria.domain.criteria_sets.criteria_set_copy`); saving or deleting it or any of its
    parts raises CriteriaSetInUse.
    """

    criteria_set_lookup = "pk"

    code = models.SlugField(_("code"), max_length=20, help_text=_("e.g. 2020-22"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=300)
    sources_heading = models.TextField(
        _("sources heading"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=_('The line above the sources, e.g. "Criteria based on ..."'),
    )

    # `history` is registered in criteria/translation.py, after the English and Welsh columns
    # exist, so that every historical row records both languages.

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

    def criteria_set_guard_id(self):
        return self.pk

    @property
    def is_used(self):
        """Whether a round uses this set, which makes it unchangeable."""
        return self.rounds.exists()

    @property
    def is_grouped(self):
        return self.groups.exists()

    @property
    def scale_min(self):
        return min((point.value for point in self.scale_points.all()), default=0)

    @property
    def scale_max(self):
        return max((point.value for point in self.scale_points.all()), default=0)


class CriterionGroup(GuardedByCriteriaSet):
    """A numbered group of criteria with the words that introduce it (2020-22: groups 1-4)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="groups", verbose_name=_("criteria set")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    preamble = models.TextField(_("preamble"), max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="unique_group_number")
        ]
        verbose_name = _("criterion group")
        verbose_name_plural = _("criterion groups")

    def __str__(self):
        return f"{self.number}. {self.preamble}"


class Criterion(GuardedByCriteriaSet):
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
        _("wording"),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Mark each key phrase (the bold text) as **key phrase**."),
    )
    guidance = models.TextField(_("guidance"), blank=True, max_length=NOTE_MAX_LENGTH)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    # `history` is registered in criteria/translation.py, after the English and Welsh columns
    # exist, so that every historical row records both languages.

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


class CriteriaSource(GuardedByCriteriaSet):
    """A document the criteria are based on."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name=_("criteria set"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"), max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["criteria_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "number"], name="unique_source_number")
        ]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.text


class ScalePoint(GuardedByCriteriaSet):
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
