"""Funding rounds and what each offers: its question set and tick-matrix frameworks."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.money import round_penny
from pacesetter.text_limits import NOTE_MAX_LENGTH
from schemes.enums import ApplicationStatus, QuestionKind, RoundState, ScoreAggregation


class QuestionSet(models.Model):
    """The application form of a round, section by section and question by question."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tick_matrix_heading = models.TextField(
        _("tick matrix heading"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("The instruction printed above the strategic-component tick matrix."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")

    def __str__(self):
        return self.name

    def questions_in_order(self):
        return (
            Question.objects.filter(section__question_set=self)
            .select_related("section")
            .order_by("section__number", "number")
        )


class Section(models.Model):
    question_set = models.ForeignKey(
        QuestionSet,
        on_delete=models.CASCADE,
        related_name="sections",
        verbose_name=_("question set"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["question_set", "number"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "number"], name="unique_section_number")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class Question(models.Model):
    """One question of a form, with the guidance printed in italics and any limit it states."""

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Position on the form, counted across the whole question set.")
    )
    label = models.TextField(_("label"), max_length=NOTE_MAX_LENGTH)
    guidance = models.TextField(_("guidance"), blank=True, max_length=NOTE_MAX_LENGTH)
    kind = models.CharField(
        _("kind"), max_length=20, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    word_limit = models.PositiveIntegerField(
        _("word limit"),
        null=True,
        blank=True,
        help_text=_('The form\'s stated limit as words, e.g. "no more than half a page" as 250.'),
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["section__question_set", "section__number", "number"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="unique_question_number")
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return f"{self.number}. {self.label[:80]}"

    @property
    def heading(self):
        """The label as a heading or a field's label shows it: without a trailing full stop.

        The Word form ends some questions with "."; `label` keeps them word for word (the
        fixtures, exports), and every page shows this instead. An ellipsis stays.
        """
        label = self.label.rstrip()
        if label.endswith(".") and not label.endswith(".."):
            return label[:-1].rstrip()
        return label


class StrategicFramework(models.Model):
    """A strategic policy whose components an application ticks (the tick matrix)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("strategic framework")
        verbose_name_plural = _("strategic frameworks")

    def __str__(self):
        return self.name


class StrategicComponent(models.Model):
    framework = models.ForeignKey(
        StrategicFramework,
        on_delete=models.CASCADE,
        related_name="components",
        verbose_name=_("framework"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("text"), max_length=300)

    class Meta:
        ordering = ["framework__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="unique_component_number")
        ]
        verbose_name = _("strategic component")
        verbose_name_plural = _("strategic components")

    def __str__(self):
        return f"{self.number}. {self.text}"


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rounds a user may browse: all for programme managers, all but drafts for others.

        The scoped twin of `schemes.view_round`. By role alone: the superuser flag opens the
        Django admin, not more of the portal.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_manager:
            return self
        return self.exclude(state=RoundState.DRAFT)

    def open_now(self):
        now = timezone.now()
        return self.filter(state=RoundState.OPEN, opens_at__lte=now, closes_at__gt=now)

    def with_status_counts(self):
        """Annotate each round with how many applications it has in each status."""
        return self.annotate(
            application_count=Count("applications"),
            **{
                f"count_{status}": Count("applications", filter=Q(applications__status=status))
                for status in ApplicationStatus.values
            },
        )


def new_figures_version():
    """A random starting version: a round made again with a reused id never meets old figures."""
    return secrets.randbits(62)


class Round(models.Model):
    """A funding round: when it opens and closes, what it asks, how it is judged, and its money.

    A round has exactly one criteria set and one question set. The criteria set lives in the
    `criteria` app; the reference here is by name only, so `schemes` never imports `criteria`.

    Its figures have one owner each: the statuses counted (`schemes.enums.RANKED_STATUSES`),
    the ranking order, the amount requested and the money by board and in total
    (`criteria.domain.ranking`), the scores (`criteria.domain.aggregation.round_scores`), the
    indicative shares' total (`shares_total`). `figures_version` moves with every write
    that can change them (`criteria.domain.round_figures`), never through `save()`.
    """

    code = models.SlugField(
        _("code"), max_length=20, unique=True, help_text=_("Short code such as 2020-22.")
    )
    # Unique in each language (the constraints below): a unique `name` would pass to its
    # English and Welsh columns in the history too, where one round has many rows.
    name = models.CharField(_("name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=20, choices=RoundState.choices, default=RoundState.DRAFT
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    earliest_start_date = models.DateField(_("earliest scheme start date"), null=True, blank=True)
    latest_start_date = models.DateField(_("latest scheme start date"), null=True, blank=True)
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum scheme duration (months)"), null=True, blank=True
    )
    envelope_total = models.DecimalField(
        _("envelope"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The total money available to the round, in pounds."),
    )
    criteria_set = models.ForeignKey(
        "criteria.CriteriaSet",
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("criteria set"),
    )
    question_set = models.ForeignKey(
        QuestionSet, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("question set")
    )
    frameworks = models.ManyToManyField(
        StrategicFramework,
        blank=True,
        related_name="rounds",
        verbose_name=_("tick-matrix frameworks"),
    )
    reviews_per_application = models.PositiveSmallIntegerField(
        _("reviews per application"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many panel reviewers should score each application."),
    )
    protective_marking = models.CharField(
        _("protective marking"),
        max_length=100,
        default="OFFICIAL-SENSITIVE",
        help_text=_("Printed on every page of the round's PDF exports."),
    )
    score_aggregation = models.CharField(
        _("combine reviewers' scores by"),
        max_length=10,
        choices=ScoreAggregation.choices,
        default=ScoreAggregation.MEAN,
    )
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("disagreement threshold"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Flag an application for moderation when reviewers' scores on any criterion "
            "differ by this many points or more."
        ),
    )
    feedback_released_at = models.DateTimeField(_("feedback released"), null=True, blank=True)
    feedback_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("feedback released by"),
    )
    declaration = models.TextField(
        _("declaration"),
        max_length=NOTE_MAX_LENGTH,
        default=_(
            "I confirm that this application has been agreed by the Health Board Executive "
            "team, the Primary Care Directorate, the relevant cluster and those professionals "
            "responsible for delivering the outcomes."
        ),
        help_text=_("What an applicant confirms before submitting."),
    )
    panel_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_rounds",
        verbose_name=_("panel chair"),
    )
    figures_version = models.PositiveBigIntegerField(
        _("figures version"), default=new_figures_version, editable=False
    )

    objects = RoundQuerySet.as_manager()
    # `history` is registered in schemes/translation.py, after the English and Welsh columns
    # exist, so that every historical row records both languages.

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["name_en"], name="unique_round_name_en"),
            models.UniqueConstraint(fields=["name_cy"], name="unique_round_name_cy"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(envelope_total__isnull=True) | Q(envelope_total__gte=0),
                name="round_envelope_not_negative",
            ),
        ]
        verbose_name = _("funding round")
        verbose_name_plural = _("funding rounds")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """Save the round, leaving `figures_version` as the database has it.

        The version moves only by `F() + step` in the writes that change the figures; a round
        loaded before one of them must not carry its older version back.
        """
        if not self._state.adding and self.pk is not None and kwargs.get("update_fields") is None:
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name != "figures_version"
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("schemes:round_detail", args=[self.code])

    def audit_scope(self):
        """The timeline this round's audit events belong on: its own."""
        return None, self.pk

    def shares_total(self):
        """The sum of the round's indicative shares, to the penny (£0.00 when it has none)."""
        total = self.indicative_shares.aggregate(total=models.Sum("amount"))["total"]
        return Decimal("0.00") if total is None else round_penny(total)

    @property
    def reference_year(self):
        """The year an application reference carries, e.g. 2020 for round 2020-22."""
        return self.code.split("-")[0]

    def is_open_for_applications(self, at=None):
        at = at or timezone.now()
        return self.state == RoundState.OPEN and self.opens_at <= at < self.closes_at

    def deadline_for(self, organisation):
        """Return the time an organisation's applications must be submitted by.

        The round's closing time, or a later one granted to the organisation as an extension.
        Uses prefetched extensions when present.
        """
        for extension in self.extensions.all():
            if extension.organisation_id == organisation.pk and extension.until > self.closes_at:
                return extension.until
        return self.closes_at

    def accepts_submissions_from(self, organisation, at=None):
        """Whether an organisation may submit now: opened, not past its deadline."""
        at = at or timezone.now()
        return self.state in (
            RoundState.OPEN,
            RoundState.CLOSED,
        ) and self.opens_at <= at < self.deadline_for(organisation)


class IndicativeShare(models.Model):
    """The part of a round's envelope indicated for one organisation (optional)."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="indicative_shares", verbose_name=_("round")
    )
    organisation = models.ForeignKey(
        "pacesetter.Organisation", on_delete=models.PROTECT, verbose_name=_("organisation")
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="unique_share"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="share_not_negative"),
        ]
        verbose_name = _("indicative share")
        verbose_name_plural = _("indicative shares")

    def __str__(self):
        return f"{self.round}: {self.organisation}"
