"""Pages for reading criteria sets as the national documents print them."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, render

from criteria.models import CriteriaSet, Criterion, CriterionGroup
from pacesetter.permissions import can


@login_required
def criteria_set_list(request):
    criteria_sets = CriteriaSet.objects.annotate(criterion_count=Count("criteria"))
    return render(request, "criteria/criteria_set/list.html", {"criteria_sets": criteria_sets})


@login_required
def criteria_set_detail(request, code, version):
    criteria_set = get_object_or_404(
        CriteriaSet.objects.prefetch_related(
            Prefetch(
                "groups",
                queryset=CriterionGroup.objects.prefetch_related(
                    Prefetch("criteria", queryset=Criterion.objects.order_by("position"))
                ).order_by("number"),
            ),
            "sources",
            "scale_points",
            "rounds",
        ),
        code=code,
        version=version,
    )
    ungrouped = criteria_set.criteria.filter(group__isnull=True).order_by("position")
    return render(
        request,
        "criteria/criteria_set/detail.html",
        {
            "criteria_set": criteria_set,
            "groups": criteria_set.groups.all(),
            "ungrouped": ungrouped,
            "criterion_count": criteria_set.criteria.count(),
            "can_copy": can(request.user, "criteria.change_criteria_set", criteria_set),
        },
    )
