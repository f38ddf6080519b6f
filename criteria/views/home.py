"""The home page, made for the signed-in user's role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from criteria.views.reviews import dashboard_context
from pacesetter.paging import choice, paginate, search_term
from schemes.enums import EDITABLE_STATUSES, ApplicationStatus
from schemes.models import Application, Round


def applicant_applications(user, query):
    """The applicant's list of their organisation's applications: searched, by round, paged.

    Newest round first, then by reference. No filter by status: an applicant sees a decided
    application as submitted until its round's feedback is released, round by round.
    """
    visible = Application.objects.visible_to(user)
    rounds = list(Round.objects.filter(applications__in=visible).distinct().order_by("-opens_at"))
    search = search_term(query.get("search"))
    round_code = choice(query.get("round"), {round.code for round in rounds})
    applications = visible.matching(search)
    if round_code:
        applications = applications.filter(round__code=round_code)
    listing = paginate(
        applications.select_related("round", "organisation").order_by(
            "-round__opens_at", "reference"
        ),
        query.get("page"),
        {"search": search, "round": round_code},
    )
    return {
        "listing": listing,
        "search": search,
        "round_code": round_code,
        "rounds": [(round.code, round.name) for round in rounds] if len(rounds) > 1 else [],
        "filtered": bool(search or round_code),
        "has_applications": bool(rounds),
    }


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
            "criteria/home/programme_manager.html",
            {"rows": rows, "statuses": [label for _value, label in statuses]},
        )
    if user.is_applicant:
        return render(
            request,
            "criteria/home/applicant.html",
            {
                **applicant_applications(user, request.GET),
                # Extensions prefetched: each round's start button asks for its deadline.
                "open_rounds": Round.objects.open_now().prefetch_related("extensions"),
                "editable": EDITABLE_STATUSES,
            },
        )
    return render(
        request,
        "criteria/home/reviewer.html",
        {
            "chaired_rounds": user.chaired_rounds.order_by("-opens_at"),
            **dashboard_context(user),
        },
    )
