"""Pages for browsing rounds and reading applications."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from pacesetter.permissions import can
from schemes.domain.applications import TRANSITIONS
from schemes.enums import ApplicationStatus
from schemes.models import (
    Application,
    Question,
    Round,
    Section,
    StrategicComponent,
    StrategicFramework,
)

WITHDRAWABLE = [old for old, new in TRANSITIONS if new == ApplicationStatus.WITHDRAWN]
DECIDABLE = sorted({old for old, new in TRANSITIONS if new == ApplicationStatus.APPROVED})


@login_required
def round_list(request):
    rounds = Round.objects.visible_to(request.user).select_related("criteria_set", "question_set")
    return render(
        request,
        "schemes/round/list.html",
        {"rounds": rounds, "can_create": can(request.user, "schemes.manage_round", None)},
    )


def frameworks_with_components(round):
    return round.frameworks.prefetch_related(
        Prefetch("components", queryset=StrategicComponent.objects.order_by("number"))
    ).order_by("order")


@login_required
def round_detail(request, code):
    round = get_object_or_404(
        Round.objects.visible_to(request.user).select_related(
            "criteria_set", "question_set", "panel_chair"
        ),
        code=code,
    )
    sections = round.question_set.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("number"))
    ).order_by("number")
    applications = (
        Application.objects.visible_to(request.user)
        .filter(round=round)
        .select_related("organisation", "round")
    )
    return render(
        request,
        "schemes/round/detail.html",
        {
            "round": round,
            "sections": sections,
            "frameworks": frameworks_with_components(round),
            "shares": round.indicative_shares.select_related("organisation"),
            "applications": applications,
            "can_start": can(request.user, "schemes.start_application", round),
            "can_grant_extension": can(request.user, "schemes.grant_extension", round),
            "can_manage": can(request.user, "schemes.manage_round", round),
            "can_assign": can(request.user, "criteria.assign_reviewers", round),
            "can_see_panel": can(request.user, "criteria.view_moderation_queue", round),
            "can_release_feedback": can(request.user, "schemes.release_feedback", round),
            "can_make_pack": can(request.user, "criteria.generate_pack", round),
        },
    )


@login_required
def application_detail(request, reference):
    application = get_object_or_404(
        Application.objects.visible_to(request.user)
        .select_related("round", "round__question_set", "organisation")
        .prefetch_related("answers", "budget_lines", "other_funding", "components"),
        reference=reference,
    )
    answers = {answer.question_id: answer for answer in application.answers.all()}
    sections = (
        Section.objects.filter(question_set=application.round.question_set_id)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("number")))
        .order_by("number")
    )
    form = [
        {
            "section": section,
            "questions": [
                {"question": question, "answer": answers.get(question.pk)}
                for question in section.questions.all()
            ],
        }
        for section in sections
    ]
    ticked = {component.pk for component in application.components.all()}
    return render(
        request,
        "schemes/application/detail.html",
        {
            "application": application,
            "form": form,
            "totals": application.totals(),
            "other_funding": application.other_funding.all(),
            "frameworks": frameworks_with_components(application.round),
            "ticked": ticked,
            "framework_count": StrategicFramework.objects.filter(rounds=application.round).count(),
            "can_edit": can(request.user, "schemes.edit_application", application),
            "can_withdraw": can(request.user, "schemes.withdraw_application", application),
            "can_return": can(request.user, "schemes.return_application", application),
            "can_see_history": can(request.user, "schemes.view_application_history", application),
            "can_see_scores": can(request.user, "criteria.view_score_matrix", application),
            "can_decide": can(request.user, "schemes.decide_application", application),
            "withdrawable": WITHDRAWABLE,
            "decidable": DECIDABLE,
            "feedback_released": application.round.feedback_released_at is not None,
        },
    )
