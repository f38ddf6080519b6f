"""Feedback: the programme manager releases a round's, and each applicant reads their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from criteria.domain import feedback as feedback_domain
from criteria.domain.aggregation import application_matrix
from criteria.domain.anonymity import anonymous_order, reviewer_label
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.enums import RANKED_STATUSES
from schemes.models import Application, Decision, Round


@login_required
def release_feedback(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "criteria.release_feedback", round):
        raise PermissionDenied
    refusal = None
    if request.method == "POST":
        try:
            feedback_domain.feedback_release(round=round, acting_user=request.user)
        except Refused as refused:
            refusal = refused.message
        else:
            messages.success(
                request,
                _("Feedback for %(round)s has been released. Applicants have been emailed.")
                % {"round": round.name},
            )
            return redirect("criteria:release_feedback", code)
        round.refresh_from_db()
    applications = (
        Application.objects.filter(round=round, status__in=RANKED_STATUSES)
        .select_related("organisation", "decision", "decision__decided_by")
        .order_by("reference")
    )
    return render(
        request,
        "criteria/feedback/release.html",
        {
            "round": round,
            "applications": applications,
            "problem": feedback_domain.feedback_problems(round),
            "refusal": refusal,
            "released_by": round.feedback_released_by,
        },
    )


@login_required
def feedback(request, reference):
    application = get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "round", "round__criteria_set", "organisation"
        ),
        reference=reference,
    )
    if not can(request.user, "criteria.view_feedback", application):
        # Until feedback is released the applicant cannot know there is any.
        raise Http404
    decision = Decision.objects.filter(application=application).first()
    matrix = application_matrix(application)
    columns = {column.review.pk: index for index, column in enumerate(matrix.columns)}
    reviews = anonymous_order(application, [column.review for column in matrix.columns])
    order = [
        (reviewer_label(position), columns[review.pk]) for position, review in enumerate(reviews)
    ]
    sections = [
        {
            "group": section.group,
            "rows": [
                {
                    "criterion": row.criterion,
                    "final": row.final_shown,
                    "moderation": row.moderation,
                    "justifications": [
                        {
                            "reviewer": label,
                            "score": row.cells[index].score,
                            "justification": row.cells[index].justification,
                        }
                        for label, index in order
                    ],
                }
                for row in section.rows
            ],
        }
        for section in matrix.sections
    ]
    return render(
        request,
        "criteria/feedback/read.html",
        {
            "application": application,
            "round": application.round,
            "decision": decision,
            "released": application.round.feedback_released_at is not None,
            "sections": sections,
            "percentage": matrix.result.percentage,
            "final_total": matrix.final_total_shown,
            "max_total": matrix.max_total_shown,
            "scale_max": max((point.value for point in matrix.scale_points), default=0),
            "reviews_submitted": matrix.result.reviews_submitted,
        },
    )
