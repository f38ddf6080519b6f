"""The panel's combined scores: score matrix, moderation, disagreements and calibration.

Applications come from `panel_applications(user)`: anyone it leaves out (applicants, the
application's own reviewers, a conflicted chair) gets the same 404 as for an application
that does not exist. Rounds come from `Round.objects.visible_to(user)`. Then a permission
decides, and a refusal is a 403. Every number comes from `criteria.domain.aggregation`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from criteria.domain import aggregation
from criteria.domain.moderation import (
    MODERATION_ROUND_STATES,
    moderation_history,
    moderation_record,
)
from criteria.forms.panel import ModerationForm
from criteria.models import Criterion
from criteria.rules import panel_applications
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.models import Round


def get_panel_application(request, reference, permission):
    """Return the application if `request.user` may see its panel scores and has `permission`.

    404 if it is outside what they may see; 403 if they may see it but not do this.
    """
    application = get_object_or_404(
        panel_applications(request.user).select_related(
            "round__criteria_set", "round__panel_chair", "organisation"
        ),
        reference=reference,
    )
    if not can(request.user, permission, application):
        raise PermissionDenied
    return application


def get_round(request, code, permission):
    round = get_object_or_404(
        Round.objects.visible_to(request.user).select_related("criteria_set"), code=code
    )
    if not can(request.user, permission, round):
        raise PermissionDenied
    return round


def may_moderate(user, application):
    return application.round.state in MODERATION_ROUND_STATES and can(
        user, "criteria.moderate", application
    )


@login_required
@require_safe
def score_matrix(request, reference):
    application = get_panel_application(request, reference, "criteria.view_score_matrix")
    matrix = aggregation.application_matrix(application)
    can_moderate = may_moderate(request.user, application)
    return render(
        request,
        "criteria/panel/score_matrix.html",
        {
            "application": application,
            "matrix": matrix,
            "can_moderate": can_moderate,
            # Criterion, weight, a column per reviewer, five statistics, final, action.
            "width": 2 + len(matrix.columns) + 6 + int(can_moderate),
            "history": moderation_history(application),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderate(request, reference, label):
    application = get_panel_application(request, reference, "criteria.moderate")
    criterion = get_object_or_404(
        Criterion.objects.filter(criteria_set_id=application.round.criteria_set_id), label=label
    )
    matrix = aggregation.application_matrix(application)
    row = matrix.row_for(criterion.label)
    initial = (
        {"score": row.moderation.score, "rationale": row.moderation.rationale}
        if row.moderation
        else {}
    )
    form = ModerationForm(
        request.POST if request.method == "POST" else None,
        scale_points=matrix.scale_points,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            moderation = moderation_record(
                application=application,
                criterion=criterion,
                score=form.cleaned_data["score"],
                rationale=form.cleaned_data["rationale"],
                acting_user=request.user,
            )
        except Refused as refusal:
            field = next(iter(refusal.errors), None)
            form.add_error(field, refusal.message)
        else:
            messages.success(
                request,
                _("The moderated score for criterion %(label)s is %(score)s.")
                % {"label": criterion.label, "score": moderation.score},
            )
            return redirect("criteria:score_matrix", application.reference)
    return render(
        request,
        "criteria/panel/moderate.html",
        {
            "application": application,
            "criterion": criterion,
            "matrix": matrix,
            "row": row,
            "form": form,
            "round_in_review": application.round.state in MODERATION_ROUND_STATES,
        },
    )


@login_required
@require_safe
def moderation_queue(request, code):
    round = get_round(request, code, "criteria.view_moderation_queue")
    scores = aggregation.round_scores(round)
    flagged = [
        {"application": application, "score": scores[application.pk]}
        for application in panel_applications(request.user)
        .filter(round=round, pk__in=[pk for pk, score in scores.items() if score.flagged])
        .select_related("organisation")
        .order_by("reference")
    ]
    return render(
        request,
        "criteria/panel/moderation_queue.html",
        {
            "round": round,
            "flagged": flagged,
            "scored": sum(1 for score in scores.values() if score.reviews_submitted),
            "can_view_calibration": can(request.user, "criteria.view_calibration", round),
        },
    )


@login_required
@require_safe
def calibration(request, code):
    round = get_round(request, code, "criteria.view_calibration")
    return render(
        request,
        "criteria/panel/calibration.html",
        {
            "round": round,
            "reviewers": aggregation.calibration(round),
            "band": aggregation.CALIBRATION_BAND,
        },
    )
