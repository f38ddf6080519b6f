"""The programme manager's assignment page: who reviews what, and how far they have got."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from criteria.domain import assignments as domain
from criteria.enums import ReviewStatus
from criteria.forms.assignments import BulkAssignmentForm, SingleAssignmentForm
from criteria.models import Assignment
from pacesetter.permissions import can
from schemes.models import Round


def overview_context(round):
    live = (
        Assignment.objects.active()
        .select_related("reviewer", "review")
        .order_by("reviewer__full_name")
    )
    applications = domain.applications_to_review(round).prefetch_related(
        Prefetch("review_assignments", queryset=live, to_attr="live")
    )
    rows = [
        {
            "application": application,
            "reviewers": [(a.reviewer, a.review_status.label) for a in application.live],
            "needs": max(0, round.reviews_per_application - len(application.live)),
        }
        for application in applications
    ]
    in_round = Q(assignments__application__round=round, assignments__withdrawn_at__isnull=True)
    progress = (
        domain.panel_reviewers()
        .select_related("organisation")
        .annotate(
            assigned=Count("assignments", filter=in_round),
            submitted=Count(
                "assignments",
                filter=in_round & Q(assignments__review__status=ReviewStatus.SUBMITTED),
            ),
            started=Count("assignments", filter=in_round & Q(assignments__review__isnull=False)),
        )
    )
    return {
        "round": round,
        "rows": rows,
        "still_needed": sum(row["needs"] for row in rows),
        "progress": [
            {
                "reviewer": reviewer,
                "assigned": reviewer.assigned,
                "submitted": reviewer.submitted,
                "in_progress": reviewer.started - reviewer.submitted,
                "not_started": reviewer.assigned - reviewer.started,
            }
            for reviewer in progress
        ],
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
        except domain.AssignmentRefused as refusal:
            (bulk if bulk.is_bound else single).add_error(None, refusal.message)
    context = overview_context(round)
    context.update({"bulk": bulk, "single": single})
    return render(request, "criteria/assignment/overview.html", context)
