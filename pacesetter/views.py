"""The home page, made for the signed-in user's role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from criteria.views.reviews import dashboard_context
from schemes.enums import EDITABLE_STATUSES, ApplicationStatus
from schemes.models import Application, Round


@login_required
def home(request):
    user = request.user
    if user.is_programme_manager:
        rounds = Round.objects.visible_to(user).with_status_counts()
        statuses = ApplicationStatus.choices
        rows = [
            {
                "round": round,
                "counts": [getattr(round, f"count_{value}") for value, _label in statuses],
            }
            for round in rounds
        ]
        return render(
            request,
            "pacesetter/home/programme_manager.html",
            {"rows": rows, "statuses": [label for _value, label in statuses]},
        )
    if user.is_applicant:
        applications = (
            Application.objects.visible_to(user)
            .select_related("round", "organisation")
            .order_by("-round__opens_at", "reference")
        )
        return render(
            request,
            "pacesetter/home/applicant.html",
            {
                "applications": applications,
                "open_rounds": Round.objects.open_now(),
                "editable": EDITABLE_STATUSES,
            },
        )
    return render(
        request,
        "pacesetter/home/reviewer.html",
        {
            "chaired_rounds": user.chaired_rounds.order_by("-opens_at"),
            **dashboard_context(user),
        },
    )
