"""The programme manager's assignment page: who reviews what, and how far they have got."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from criteria.domain import assignments as domain
from criteria.forms.assignments import BulkAssignmentForm, SingleAssignmentForm
from criteria.models import Assignment
from pacesetter.models import Organisation
from pacesetter.paging import choice, paginate, search_term
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.models import Round

# The sort orders of the list of applications; "needs" puts those with fewest reviewers first.
SORTS = {
    "reference": (gettext_lazy("Reference"), ("reference",)),
    "organisation": (gettext_lazy("Organisation"), ("organisation__name", "reference")),
    "needs": (gettext_lazy("Most reviewers still needed"), ("live_assignments", "reference")),
}
NEEDS = {
    "yes": gettext_lazy("Still needs reviewers"),
    "no": gettext_lazy("Has enough reviewers"),
}


def application_rows(round, query):
    """The page of applications to review that `query` (GET parameters) asks for, and the filters.

    Searched by reference, title or organisation, filtered by organisation and by whether an
    application still needs reviewers, sorted, then paged; only the page's rows fetch their
    reviewers.
    """
    target = round.reviews_per_application
    everything = domain.applications_to_review(round)
    organisations = list(
        Organisation.objects.filter(applications__in=everything.values("pk"))
        .distinct()
        .order_by("name")
    )
    search = search_term(query.get("search"))
    organisation = choice(query.get("organisation"), {each.code for each in organisations})
    needs = choice(query.get("needs"), NEEDS)
    sort = choice(query.get("sort"), SORTS, "reference")
    applications = everything.matching(search)
    if organisation:
        applications = applications.filter(organisation__code=organisation)
    if needs == "yes":
        applications = applications.filter(live_assignments__lt=target)
    elif needs == "no":
        applications = applications.filter(live_assignments__gte=target)
    live = (
        Assignment.objects.active()
        .select_related("reviewer", "review")
        .order_by("reviewer__full_name")
    )
    params = {
        "search": search,
        "organisation": organisation,
        "needs": needs,
        "sort": "" if sort == "reference" else sort,
    }
    listing = paginate(
        applications.order_by(*SORTS[sort][1]).prefetch_related(
            Prefetch("review_assignments", queryset=live, to_attr="live")
        ),
        query.get("page"),
        params,
    )
    rows = [
        {
            "application": application,
            "reviewers": [(a.reviewer, a.review_status.label) for a in application.live],
            "needs": max(0, target - len(application.live)),
        }
        for application in listing.rows
    ]
    return {
        "listing": listing,
        "rows": rows,
        "search": search,
        "organisation": organisation,
        "organisations": organisations,
        "needs": needs,
        "needs_choices": list(NEEDS.items()),
        "sort": sort,
        "sorts": [(key, label) for key, (label, _order) in SORTS.items()],
        "filtered": bool(search or organisation or needs),
        "still_needed": sum(
            max(0, target - live)
            for live in everything.order_by().values_list("live_assignments", flat=True)
        ),
    }


def overview_context(round, query=None):
    return {
        "round": round,
        **application_rows(round, query or {}),
        "progress": domain.reviewer_progress(round),
    }


@login_required
def assignments(request, code):
    round = get_object_or_404(Round.objects.visible_to(request.user), code=code)
    if not can(request.user, "criteria.assign_reviewers", round):
        raise PermissionDenied
    bulk = BulkAssignmentForm(
        request.POST if "assign_bulk" in request.POST else None,
        initial={"per_application": round.reviews_per_application},
    )
    single = SingleAssignmentForm(
        request.POST if "assign_one" in request.POST else None, round=round
    )
    if request.method == "POST":
        try:
            if bulk.is_bound and bulk.is_valid():
                result = domain.assignments_balance(
                    round=round,
                    per_application=bulk.cleaned_data["per_application"],
                    acting_user=request.user,
                    due_date=bulk.cleaned_data["due_date"],
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)d reviewer assignment made.",
                        "%(count)d reviewer assignments made.",
                        len(result.created),
                    )
                    % {"count": len(result.created)},
                )
                for reference, missing in result.short.items():
                    messages.warning(
                        request,
                        _(
                            "%(reference)s still needs %(count)d: no other reviewer is free of "
                            "conflicts."
                        )
                        % {"reference": reference, "count": missing},
                    )
                return redirect("criteria:assignments", code)
            if single.is_bound and single.is_valid():
                assignment = domain.assignment_create(
                    application=single.cleaned_data["application"],
                    reviewer=single.cleaned_data["reviewer"],
                    acting_user=request.user,
                    due_date=single.cleaned_data["due_date"],
                )
                messages.success(
                    request,
                    _("%(name)s is assigned to %(reference)s.")
                    % {
                        "name": assignment.reviewer.full_name,
                        "reference": assignment.application.reference,
                    },
                )
                return redirect("criteria:assignments", code)
        except Refused as refusal:
            (bulk if bulk.is_bound else single).add_error(None, refusal.message)
    context = overview_context(round, request.GET)
    context.update({"bulk": bulk, "single": single})
    return render(request, "criteria/assignment/overview.html", context)
