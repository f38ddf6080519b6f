"""A round's charts: money by health board, tick-matrix coverage and score distributions.

For programme managers and the round's panel chair (`criteria.view_ranking`). A chair sees
only the applications `panel_applications` leaves them, as on the ranking page. Every chart
is followed by the same numbers as a table.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from criteria import charts
from criteria.rules import panel_applications
from pacesetter.permissions import can
from schemes.models import Round


@login_required
@require_safe
def round_charts(request, code):
    round = get_object_or_404(
        Round.objects.visible_to(request.user).select_related("criteria_set"), code=code
    )
    if not can(request.user, "criteria.view_ranking", round):
        raise PermissionDenied
    visible = panel_applications(request.user)
    money = charts.money_by_board_figures(round, applications=visible)
    coverage = charts.coverage_figures(round, applications=visible)
    scores = charts.score_distribution_figures(round, applications=visible)
    return render(
        request,
        "criteria/charts/round_charts.html",
        {
            "round": round,
            "money": money,
            "money_chart": charts.money_by_board_chart(round, figures=money),
            "coverage": coverage,
            "coverage_chart": charts.coverage_heat_map(round, figures=coverage),
            "scores": scores,
            "scores_chart": charts.score_distribution_chart(round, figures=scores),
        },
    )
