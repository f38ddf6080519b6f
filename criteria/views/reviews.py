"""The reviewer's pages: assignments, the score sheet, the panel's scores, conflicts.

Every page starts from `Assignment.objects.for_reviewer(request.user)`, which leaves out
withdrawn assignments and anything the reviewer is conflicted on: all else is a plain 404.
Every write goes through `criteria.domain.reviews`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from criteria.domain import reviews as domain
from criteria.enums import ReviewStatus
from criteria.forms.reviews import ConflictForm, ReopenForm, ReviewForm
from criteria.models import Assignment, Review
from pacesetter.enums import AuditAction
from pacesetter.models import AuditEvent
from pacesetter.permissions import can
from pacesetter.rules import is_reviewer
from pacesetter.times import govuk_datetime
from pacesetter.transitions import Refused
from schemes.domain.attachments import download_name
from schemes.domain.document import application_document, document_prefetched
from schemes.domain.learning import asks_about_previous_schemes, published_with_components


def reviewer_assignments(user):
    """The reviewer's live assignments, soonest due first, with what the dashboard shows."""
    return (
        Assignment.objects.for_reviewer(user)
        .select_related("application__round", "application__organisation", "review")
        .order_by(F("due_date").asc(nulls_last=True), "application__reference")
    )


def dashboard_context(user, today=None):
    """The reviewer's assignments as dashboard rows: status, due date, whether overdue."""
    today = today or timezone.localdate()
    rows = []
    for assignment in reviewer_assignments(user):
        status = assignment.review_status
        rows.append(
            {
                "assignment": assignment,
                "application": assignment.application,
                "status": status,
                "overdue": bool(
                    assignment.due_date
                    and assignment.due_date < today
                    and status != ReviewStatus.SUBMITTED
                ),
            }
        )
    return {"assignment_rows": rows}


def get_assignment(request, assignment_id, permission="criteria.review_application"):
    """Return the reviewer's live, unconflicted assignment; anything else is a plain 404."""
    assignment = get_object_or_404(
        Assignment.objects.for_reviewer(request.user).select_related(
            "application__round__criteria_set",
            "application__round__question_set",
            "application__organisation",
            "review",
        ),
        pk=assignment_id,
    )
    if not can(request.user, permission, assignment):
        raise Http404
    return assignment


def criteria_parts(criteria_set):
    """The set's criteria as the set groups them: [(group or None, [criterion, ...]), ...].

    Groups in number order, then any criteria outside a group, each in position order.
    """
    criteria = sorted(
        criteria_set.criteria.select_related("group"),
        key=lambda c: (c.group is None, c.group.number if c.group else 0, c.position),
    )
    parts = []
    for criterion in criteria:
        if parts and parts[-1][0] == criterion.group:
            parts[-1][1].append(criterion)
        else:
            parts.append((criterion.group, [criterion]))
    return parts


def application_context(application):
    """What the left-hand column shows: the application read-only, with its attachments.

    `application` comes from `get_assignment`, which selects what the document needs.
    """
    application = document_prefetched(application)
    return {"application": application, "document": application_document(application)}


def previous_schemes_context(application, parts):
    """Published schemes sharing the application's components, if a criterion asks about them."""
    if not any(
        asks_about_previous_schemes(criterion.wording)
        for _group, criteria in parts
        for criterion in criteria
    ):
        return {}
    components = application.components.values_list("pk", flat=True)
    return {"previous_schemes": published_with_components(components), "asks_previous": True}


def scored_rows(parts, scale, reviews):
    """For each criterion, each review's score (or None) with the scale point's label."""
    labels = {point.value: point.label for point in scale}
    scores = {
        (score.review_id, score.criterion_id): score for r in reviews for score in r.scores.all()
    }
    rows = []
    for group, criteria in parts:
        for criterion in criteria:
            entries = []
            for review in reviews:
                score = scores.get((review.pk, criterion.pk))
                entries.append(
                    {
                        "review": review,
                        "reviewer": review.assignment.reviewer,
                        "score": score.score if score else None,
                        "label": labels.get(score.score) if score else None,
                        "justification": score.justification if score else "",
                    }
                )
            rows.append({"group": group, "criterion": criterion, "entries": entries})
    return rows


def panel_reviews(application):
    """Every submitted review of `application` from a reviewer still on its panel."""
    return (
        Review.objects.filter(
            assignment__application=application,
            assignment__withdrawn_at__isnull=True,
            status=ReviewStatus.SUBMITTED,
        )
        .select_related("assignment__reviewer")
        .prefetch_related("scores")
        .order_by("assignment__reviewer__full_name", "pk")
    )


def panel_context(assignment, parts, scale):
    reviews = list(panel_reviews(assignment.application))
    return {"panel_reviews": reviews, "panel_rows": scored_rows(parts, scale, reviews)}


@login_required
@require_safe
def dashboard(request):
    if not is_reviewer.test(request.user):
        raise PermissionDenied
    return render(request, "criteria/review/dashboard.html", dashboard_context(request.user))


@login_required
@require_http_methods(["GET", "POST"])
def score(request, assignment_id):
    assignment = get_assignment(request, assignment_id)
    review = getattr(assignment, "review", None)
    criteria_set = assignment.application.round.criteria_set
    parts = criteria_parts(criteria_set)
    scale = list(criteria_set.scale_points.order_by("value"))
    context = {
        "assignment": assignment,
        "review": review,
        "status": assignment.review_status,
        "parts": parts,
    }

    def with_application():
        # The application is read only when the page is drawn: a saved draft redirects.
        return {
            **context,
            **application_context(assignment.application),
            **previous_schemes_context(assignment.application, parts),
        }

    if not can(request.user, "criteria.score_application", assignment):
        # Submitted: read-only until a programme manager reopens it.
        if request.method == "POST":
            messages.info(
                request,
                _("Your review was submitted on %(when)s, so nothing has been changed.")
                % {"when": govuk_datetime(review.submitted_at)},
            )
            return redirect("criteria:score", assignment.pk)
        own = Review.objects.select_related("assignment__reviewer").prefetch_related("scores")
        context["own_rows"] = scored_rows(parts, scale, [own.get(pk=review.pk)])
        if can(request.user, "criteria.view_panel_scores", assignment):
            context.update(panel_context(assignment, parts, scale))
        return render(request, "criteria/review/score.html", with_application())

    initial = {"version": review.version if review else 0}
    if review is not None:
        initial.update(recommendation=review.recommendation, comment=review.comment)
        for saved in review.scores.all():
            initial[f"score_{saved.criterion_id}"] = saved.score
            initial[f"justification_{saved.criterion_id}"] = saved.justification
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        parts=parts,
        scale=scale,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        changes = {
            "assignment": assignment,
            "expected_version": form.cleaned_data["version"],
            "acting_user": request.user,
            "scores": form.scores,
            "recommendation": form.cleaned_data["recommendation"],
            "comment": form.cleaned_data["comment"],
        }
        reference = assignment.application.reference
        try:
            if form.submitting:
                domain.review_submit(**changes)
                messages.success(
                    request,
                    _("Your review of %(reference)s has been submitted.")
                    % {"reference": reference},
                )
            else:
                domain.review_save(**changes)
                messages.success(
                    request,
                    _(
                        "Your draft review of %(reference)s has been saved. You can come back "
                        "to it later."
                    )
                    % {"reference": reference},
                )
        except Refused as refusal:
            if refusal.message == domain.REVIEW_LOCKED:  # submitted meanwhile: a double click
                messages.info(request, refusal.message)
                return redirect("criteria:score", assignment.pk)
            form.add_error(None, refusal.message)
        else:
            return redirect("criteria:score", assignment.pk)
    context["form"] = form
    if review is not None:
        context["reopened"] = (
            AuditEvent.objects.filter(action=AuditAction.REVIEW_REOPENED, object_id=str(review.pk))
            .order_by("-at", "-pk")
            .first()
        )
    return render(request, "criteria/review/score.html", with_application())


@login_required
@require_safe
def panel_scores(request, assignment_id):
    assignment = get_assignment(request, assignment_id)
    if not can(request.user, "criteria.view_panel_scores", assignment):
        messages.info(
            request,
            _("You will see the panel’s scores once you have submitted your own review."),
        )
        return redirect("criteria:score", assignment.pk)
    criteria_set = assignment.application.round.criteria_set
    parts = criteria_parts(criteria_set)
    scale = list(criteria_set.scale_points.order_by("value"))
    return render(
        request,
        "criteria/review/panel_scores.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            **panel_context(assignment, parts, scale),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declare_conflict(request, assignment_id):
    assignment = get_assignment(request, assignment_id, "criteria.declare_conflict")
    form = ConflictForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            domain.conflict_declare(
                assignment=assignment,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                acting_user=request.user,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _(
                    "You have declared a conflict of interest on %(reference)s. It has been "
                    "withdrawn from your assignments."
                )
                % {"reference": assignment.application.reference},
            )
            return redirect("criteria:review_dashboard")
    return render(
        request,
        "criteria/review/declare_conflict.html",
        {"assignment": assignment, "application": assignment.application, "form": form},
    )


@login_required
@require_safe
@never_cache
def review_attachment(request, assignment_id, pk):
    assignment = get_assignment(request, assignment_id)
    attachment = get_object_or_404(assignment.application.attachments, pk=pk)
    try:
        stored = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=download_name(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reopen_review(request, review_id):
    review = (
        Review.objects.select_related("assignment__application__round", "assignment__reviewer")
        .filter(pk=review_id)
        .first()
    )
    # Asked before the 404, so nobody but a programme manager learns which reviews exist.
    if not can(request.user, "criteria.reopen_review", review):
        raise PermissionDenied
    if review is None:
        raise Http404
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            domain.review_reopen(
                review=review, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("%(name)s’s review of %(reference)s has been reopened.")
                % {
                    "name": review.assignment.reviewer.full_name,
                    "reference": review.assignment.application.reference,
                },
            )
            return redirect("criteria:assignments", review.assignment.application.round.code)
    return render(
        request,
        "criteria/review/reopen.html",
        {"review": review, "application": review.assignment.application, "form": form},
    )
