"""Panel review: who reviews what, declared conflicts, and the scores themselves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from criteria.enums import ConflictKind, Recommendation, ReviewStatus


class AssignmentQuerySet(models.QuerySet):
    def active(self):
        """Assignments not withdrawn (a declared conflict withdraws one)."""
        return self.filter(withdrawn_at__isnull=True)

    def for_reviewer(self, user):
        """The reviewer's own live assignments, never on an application they are conflicted on.

        The one queryset every reviewer page starts from: anything outside it is a 404. The
        scoped twin of `criteria.review_application`, so by role too: someone who is no longer
        a reviewer keeps no review, and the superuser flag adds nothing.
        """
        from criteria.conflicts import conflicted_application_ids

        if not user.is_authenticated or not user.is_reviewer:
            return self.none()
        return (
            self.active()
            .filter(reviewer=user)
            .exclude(application_id__in=conflicted_application_ids(user))
        )


class Assignment(models.Model):
    """A reviewer asked to review one application. Withdrawn, never deleted."""

    application = models.ForeignKey(
        "schemes.Application",
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    due_date = models.DateField(_("review due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason withdrawn"), blank=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="one_assignment_per_reviewer"
            )
        ]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")

    def __str__(self):
        return f"{self.application.reference}: {self.reviewer}"

    def audit_scope(self):
        """The timelines this record's audit events belong on: its application's and its round's."""
        return self.application_id, self.application.round_id

    @property
    def review_status(self):
        """Not started (no review yet), in progress or submitted."""
        review = getattr(self, "review", None)
        return ReviewStatus.NOT_STARTED if review is None else ReviewStatus(review.status)


class ConflictOfInterest(models.Model):
    """A conflict a reviewer declared on an application or a whole organisation.

    A reviewer employed by the applying organisation is conflicted without declaring anything
    (see `criteria.conflicts`); these rows are the declared ones.
    """

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="conflicts",
        verbose_name=_("reviewer"),
    )
    application = models.ForeignKey(
        "schemes.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("application"),
    )
    organisation = models.ForeignKey(
        "pacesetter.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conflicts",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=ConflictKind.choices)
    note = models.TextField(_("note"), blank=True)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["reviewer", "declared_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | Q(organisation__isnull=False),
                name="conflict_names_application_or_organisation",
            )
        ]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")

    def __str__(self):
        return f"{self.reviewer}: {self.application or self.organisation}"

    def audit_scope(self):
        """The timelines this record's audit events belong on: its application's and its round's."""
        return self.application_id, self.application.round_id


class Review(models.Model):
    """One reviewer's review of one application: a score per criterion, a recommendation.

    A draft until submitted; then locked unless a programme manager reopens it.
    """

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="review", verbose_name=_("assignment")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=30, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save, to refuse stale edits.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["assignment"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return str(self.assignment)

    def audit_scope(self):
        """The timelines this record's audit events belong on: its application's and its round's."""
        return self.assignment.application_id, self.assignment.application.round_id

    @property
    def is_submitted(self):
        return self.status == ReviewStatus.SUBMITTED


class Score(models.Model):
    """A reviewer's score on one criterion, with the written justification for it."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        "criteria.Criterion",
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("criterion"),
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.review}: {self.criterion.label} = {self.score}"
