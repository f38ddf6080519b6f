"""Pages for browsing rounds and reading applications."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from pacesetter.models import Organisation
from pacesetter.paging import choice, paginate, search_term
from pacesetter.permissions import can
from schemes.domain.applications import TRANSITIONS
from schemes.domain.document import (
    application_document,
    document_queryset,
    frameworks_with_components,
)
from schemes.enums import DECIDABLE_STATUSES, OUTCOME_STATUSES, ApplicationStatus
from schemes.models import Application, DeliveryAgreement, Question, Round

WITHDRAWABLE = [old for old, new in TRANSITIONS if new == ApplicationStatus.WITHDRAWN]

# The round page's sort orders: no sort by status, which would give away undisclosed decisions.
ROUND_SORTS = {
    "reference": (_("Reference"), ("reference",)),
    "organisation": (_("Organisation"), ("organisation__name", "reference")),
    "title": (_("Scheme title"), ("title", "reference")),
}


@login_required
def round_list(request):
    rounds = Round.objects.visible_to(request.user).select_related("criteria_set", "question_set")
    return render(
        request,
        "schemes/round/list.html",
        {"rounds": rounds, "can_create": can(request.user, "schemes.manage_round", None)},
    )


def with_status_seen(applications, status, *, decisions_shown):
    """Keep the applications whose status, as the viewer sees it, is `status`.

    Until feedback is released an applicant sees a decided application as submitted
    (`visible_status`), so filtering must not tell them otherwise.
    """
    if decisions_shown:
        return applications.filter(status=status)
    if status == ApplicationStatus.SUBMITTED:
        return applications.filter(status__in=[ApplicationStatus.SUBMITTED, *OUTCOME_STATUSES])
    if status in OUTCOME_STATUSES:
        return applications.none()
    return applications.filter(status=status)


def round_applications(request, round):
    """The round page's list of applications: searched, filtered, sorted and one page of it."""
    visible = Application.objects.visible_to(request.user).filter(round=round)
    decisions_shown = round.feedback_released_at is not None or can(
        request.user, "schemes.decide_application", None
    )
    hidden = () if decisions_shown else OUTCOME_STATUSES
    seen = {
        ApplicationStatus.SUBMITTED if status in hidden else status
        for status in visible.order_by().values_list("status", flat=True).distinct()
    }
    statuses = [(value, label) for value, label in ApplicationStatus.choices if value in seen]
    organisations = list(
        Organisation.objects.filter(applications__in=visible).distinct().order_by("name")
    )
    search = search_term(request.GET.get("search"))
    status = choice(request.GET.get("status"), {value for value, _label in statuses})
    organisation = choice(request.GET.get("organisation"), {each.code for each in organisations})
    sort = choice(request.GET.get("sort"), ROUND_SORTS, "reference")
    applications = visible.matching(search)
    if status:
        applications = with_status_seen(applications, status, decisions_shown=decisions_shown)
    if organisation:
        applications = applications.filter(organisation__code=organisation)
    params = {
        "search": search,
        "status": status,
        "organisation": organisation,
        "sort": "" if sort == "reference" else sort,
    }
    listing = paginate(
        applications.select_related("organisation", "round").order_by(*ROUND_SORTS[sort][1]),
        request.GET.get("page"),
        params,
    )
    return {
        "listing": listing,
        "search": search,
        "status": status,
        "statuses": statuses,
        "organisation": organisation,
        "organisations": organisations if len(organisations) > 1 else [],
        "sort": sort,
        "sorts": [(key, label) for key, (label, _order) in ROUND_SORTS.items()],
        "filtered": bool(search or status or organisation),
        "has_applications": bool(listing.count or search or status or organisation),
    }


@login_required
def round_detail(request, code):
    round = get_object_or_404(
        Round.objects.visible_to(request.user).select_related(
            "criteria_set", "question_set", "panel_chair"
        ),
        code=code,
    )
    return render(
        request,
        "schemes/round/detail.html",
        {
            "round": round,
            "shares": round.indicative_shares.select_related("organisation"),
            **round_applications(request, round),
            "can_start": can(request.user, "schemes.start_application", round),
            "can_grant_extension": can(request.user, "schemes.grant_extension", round),
            "can_manage": can(request.user, "schemes.manage_round", round),
        },
    )


@login_required
def round_form(request, code):
    """The round's application form read through: its questions, guidance, limits and ticks."""
    round = get_object_or_404(
        Round.objects.visible_to(request.user).select_related("question_set"), code=code
    )
    sections = round.question_set.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("number"))
    ).order_by("number")
    return render(
        request,
        "schemes/round/form.html",
        {
            "round": round,
            "sections": sections,
            "frameworks": frameworks_with_components(round),
            "can_manage": can(request.user, "schemes.manage_round", round),
        },
    )


@login_required
def application_detail(request, reference):
    application = get_object_or_404(
        document_queryset(Application.objects.visible_to(request.user)), reference=reference
    )
    document = application_document(application)
    return render(
        request,
        "schemes/application/detail.html",
        {
            "application": application,
            "document": document,
            "can_edit": can(request.user, "schemes.edit_application", application),
            "can_withdraw": can(request.user, "schemes.withdraw_application", application),
            "can_return": can(request.user, "schemes.return_application", application),
            "can_see_history": can(request.user, "schemes.view_application_history", application),
            "can_see_scores": can(request.user, "criteria.view_score_matrix", application),
            "can_decide": can(request.user, "schemes.decide_application", application),
            "can_download": can(request.user, "schemes.download_attachment", application),
            "withdrawable": WITHDRAWABLE,
            "decidable": DECIDABLE_STATUSES,
            "feedback_released": application.round.feedback_released_at is not None,
            # Monitoring: the agreement if the user may see it, or whether one can be set up.
            "agreement": DeliveryAgreement.objects.visible_to(request.user)
            .filter(application=application)
            .first(),
            "can_set_up_agreement": application.status == ApplicationStatus.APPROVED
            and can(request.user, "schemes.manage_agreement", None),
        },
    )
