"""Delivery agreements: set up by the programme manager, accepted by the board's lead, varied.

Every page finds the agreement through the user's scoped queryset first (a 404 outside it),
then asks the permission (a 403); every write goes through `schemes.domain.monitoring`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain import monitoring as domain
from schemes.domain.monitoring.agreements import default_dates
from schemes.enums import AgreementStatus, ApplicationStatus, BudgetCategory, VariationStatus
from schemes.forms.monitoring import (
    APPROVE,
    AgreementDetailsForm,
    MeasureForm,
    MilestonesForm,
    ProfileForm,
    VariationDecisionForm,
    VariationForm,
)
from schemes.models import Application, DeliveryAgreement, QuarterlyReport
from schemes.models.monitoring import financial_year_label
from schemes.views.common import get_visible_application


def get_agreement(request, reference, permission="schemes.view_agreement"):
    """The agreement of application `reference` if the user may see it (else 404) and has
    `permission` on it (else 403)."""
    agreement = get_object_or_404(
        DeliveryAgreement.objects.visible_to(request.user).select_related(
            "application__decision", "application__organisation", "application__round"
        ),
        application__reference=reference,
    )
    if not can(request.user, "schemes.view_agreement", agreement):
        raise PermissionDenied
    if not can(request.user, permission, agreement):
        raise PermissionDenied
    return agreement


def agreement_url(agreement):
    return reverse("schemes:agreement_detail", args=[agreement.application.reference])


def profile_table(agreement):
    """The profile as rows of (year label, [(category label, amount)], year total)."""
    years = {}
    for line in agreement.profile_lines.all():
        years.setdefault(line.financial_year, []).append(line)
    return [
        {
            "label": financial_year_label(year),
            "lines": lines,
            "total": sum((line.approved_amount for line in lines), 0),
        }
        for year, lines in sorted(years.items())
    ]


def period_rows(agreement, user, today):
    """Each reporting period with its report (if any) and what the user may do with it."""
    reports = {
        report.period_id: report
        for report in QuarterlyReport.objects.visible_to(user).filter(agreement=agreement)
    }
    may_start = agreement.status == AgreementStatus.ACCEPTED and can(
        user, "schemes.start_report", agreement
    )
    return [
        {
            "period": period,
            "report": reports.get(period.pk),
            "ended": period.end < today,
            "overdue": period.due_date < today and period.pk not in reports,
            "can_start": may_start and period.end < today and period.pk not in reports,
        }
        for period in agreement.periods.all()
    ]


def render_agreement(request, agreement, *, refusal=None, problems=(), status=200):
    """The agreement page, with a refusal (and its problems) in an error summary if given."""
    agreement.refresh_from_db()
    today = timezone.localdate()
    user = request.user
    total = sum((line.approved_amount for line in agreement.profile_lines.all()), 0)
    return render(
        request,
        "schemes/agreement/detail.html",
        {
            "agreement": agreement,
            "application": agreement.application,
            "milestones": agreement.milestones.all(),
            "profile": profile_table(agreement),
            "profile_total": total,
            "measures": agreement.measures.all(),
            "periods": period_rows(agreement, user, today),
            "variations": agreement.variations.select_related("proposed_by", "decided_by"),
            "acceptance_problems": domain.acceptance_problems(agreement),
            "refusal": refusal,
            "problems": problems,
            "is_draft": agreement.status == AgreementStatus.DRAFT,
            "can_manage": can(user, "schemes.manage_agreement", agreement),
            "can_accept": can(user, "schemes.accept_agreement", agreement),
            "can_propose": can(user, "schemes.propose_variation", agreement)
            and agreement.status == AgreementStatus.ACCEPTED,
            "can_decide": can(user, "schemes.decide_variation", agreement),
            "can_read_timeline": can(user, "pacesetter.view_audit_log", agreement.application),
        },
        status=status,
    )


@login_required
def agreement_detail(request, reference):
    return render_agreement(request, get_agreement(request, reference))


@login_required
def agreement_create(request, reference):
    """Confirm, then set up the delivery agreement of an approved application."""
    application = get_visible_application(
        request, reference, Application.objects.select_related("decision")
    )
    if not can(request.user, "schemes.manage_agreement", None):
        raise PermissionDenied
    existing = DeliveryAgreement.objects.filter(application=application).first()
    if existing is not None:
        return redirect(agreement_url(existing))
    refusal = None
    if application.status != ApplicationStatus.APPROVED:
        refusal = str(domain.agreements.NOT_APPROVED)
    elif request.method == "POST":
        try:
            agreement = domain.agreement_create_from_application(
                application=application, acting_user=request.user
            )
        except Refused as refused:
            refusal = " ".join([refused.message, *map(str, refused.errors.values())])
        else:
            messages.success(
                request,
                _("The delivery agreement has been set up. Check each part, then send it."),
            )
            return redirect(agreement_url(agreement))
    start, end = (None, None)
    if application.status == ApplicationStatus.APPROVED:
        start, end = default_dates(application)
    return render(
        request,
        "schemes/agreement/create.html",
        {"application": application, "refusal": refusal, "start": start, "end": end},
    )


@login_required
def agreement_edit(request, reference):
    agreement = get_agreement(request, reference, "schemes.manage_agreement")
    form = AgreementDetailsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": agreement.version,
            "conditions": agreement.conditions,
            "start_date": agreement.start_date,
            "end_date": agreement.end_date,
            "report_due_days": agreement.report_due_days,
            "variance_threshold": agreement.variance_threshold,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            domain.agreement_update(
                agreement,
                expected_version=data["version"],
                acting_user=request.user,
                conditions=data["conditions"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                report_due_days=data["report_due_days"],
                variance_threshold=data["variance_threshold"],
            )
        except Refused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The agreement's details have been saved."))
            return redirect(agreement_url(agreement))
    return render(
        request,
        "schemes/agreement/form.html",
        {"agreement": agreement, "form": form, "heading": _("Change the agreement's details")},
    )


@login_required
def agreement_milestones(request, reference):
    agreement = get_agreement(request, reference, "schemes.manage_agreement")
    milestones = list(agreement.milestones.all())
    adding = request.method == "POST" and "add_row" in request.POST
    form = MilestonesForm(
        request.POST if request.method == "POST" else None,
        milestones=milestones,
        add_row=adding,
        initial={"version": agreement.version},
    )
    if request.method == "POST" and not adding and form.is_valid():
        inputs, positions = form.milestone_inputs()
        try:
            domain.agreement_update(
                agreement,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                milestones=inputs,
            )
        except Refused as refused:
            form.add_refusal(refused, positions)
        else:
            messages.success(request, _("The milestones have been saved."))
            return redirect(agreement_url(agreement))
    return render(
        request,
        "schemes/agreement/milestones.html",
        {"agreement": agreement, "form": form, "errors_shown": request.method == "POST"},
    )


@login_required
def agreement_profile(request, reference):
    agreement = get_agreement(request, reference, "schemes.manage_agreement")
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        agreement=agreement,
        initial={"version": agreement.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain.agreement_update(
                agreement,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                profile=form.typed_profile(),
            )
        except Refused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The budget profile has been saved."))
            return redirect(agreement_url(agreement))
    return render(
        request,
        "schemes/agreement/profile.html",
        {
            "agreement": agreement,
            "form": form,
            "approved": agreement.approved_amount,
            "saved_total": sum(form.current_profile.values(), 0),
            "categories": BudgetCategory.choices,
        },
    )


def get_measure(agreement, pk):
    return get_object_or_404(agreement.measures.all(), pk=pk)


@login_required
def measure_edit(request, reference, pk=None):
    """Add a measure (no pk) or change one."""
    agreement = get_agreement(request, reference, "schemes.manage_agreement")
    measure = get_measure(agreement, pk) if pk is not None else None
    form = MeasureForm(
        request.POST if request.method == "POST" else None,
        measure=measure,
        initial={"version": agreement.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if measure is None:
                domain.measure_add(
                    agreement=agreement,
                    fields=form.measure_fields(),
                    expected_version=form.cleaned_data["version"],
                    acting_user=request.user,
                )
            else:
                domain.measure_change(
                    measure=measure,
                    fields=form.measure_fields(),
                    expected_version=form.cleaned_data["version"],
                    acting_user=request.user,
                )
        except Refused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The measure has been saved."))
            return redirect(agreement_url(agreement))
    return render(
        request,
        "schemes/agreement/form.html",
        {
            "agreement": agreement,
            "form": form,
            "heading": _("Add a measure") if measure is None else _("Change the measure"),
        },
    )


@login_required
def measure_remove(request, reference, pk):
    agreement = get_agreement(request, reference, "schemes.manage_agreement")
    measure = get_measure(agreement, pk)
    refusal = None
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = 0
        try:
            domain.measure_remove(
                measure=measure, expected_version=version, acting_user=request.user
            )
        except Refused as refused:
            refusal = refused.message
        else:
            messages.success(request, _("The measure has been removed."))
            return redirect(agreement_url(agreement))
    return render(
        request,
        "schemes/agreement/measure_remove.html",
        {"agreement": agreement, "measure": measure, "refusal": refusal},
    )


def _move_agreement(request, reference, *, permission, move, not_done, done):
    """Make one of the agreement's moves from its page; on refusal show the page with why."""
    agreement = get_agreement(request, reference, permission)
    try:
        move(agreement, acting_user=request.user)
    except Refused as refused:
        return render_agreement(
            request,
            agreement,
            refusal=not_done,
            problems=domain.acceptance_problems(agreement) or [refused.message],
        )
    messages.success(request, done)
    return redirect(agreement_url(agreement))


@login_required
@require_POST
def agreement_send(request, reference):
    return _move_agreement(
        request,
        reference,
        permission="schemes.manage_agreement",
        move=domain.agreement_send_for_acceptance,
        not_done=_("The agreement has not been sent."),
        done=_("The agreement has been sent to the health board to accept."),
    )


@login_required
@require_POST
def agreement_accept(request, reference):
    return _move_agreement(
        request,
        reference,
        permission="schemes.accept_agreement",
        move=domain.agreement_accept,
        not_done=_("The agreement has not been accepted."),
        done=_("You have accepted the delivery agreement."),
    )


@login_required
def variation_propose(request, reference):
    agreement = get_agreement(request, reference, "schemes.propose_variation")
    if agreement.status != AgreementStatus.ACCEPTED:
        raise PermissionDenied(domain.agreements.NOT_ACCEPTED)
    form = VariationForm(request.POST if request.method == "POST" else None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        try:
            domain.variation_propose(
                agreement=agreement, acting_user=request.user, **form.variation_values()
            )
        except Refused as refused:
            form.add_refusal(refused)
        else:
            messages.success(request, _("The variation has been proposed."))
            return redirect(agreement_url(agreement))
    return render(
        request,
        "schemes/agreement/variation_form.html",
        {"agreement": agreement, "form": form, "categories": BudgetCategory.choices},
    )


@login_required
def variation_detail(request, reference, pk):
    agreement = get_agreement(request, reference)
    variation = get_object_or_404(
        agreement.variations.select_related("proposed_by", "decided_by"), pk=pk
    )
    may_decide = (
        can(request.user, "schemes.decide_variation", agreement)
        and variation.status == VariationStatus.PROPOSED
    )
    form = None
    if may_decide:
        form = VariationDecisionForm(request.POST if request.method == "POST" else None)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.cleaned_data["decision"] == APPROVE:
                domain.variation_approve(variation, acting_user=request.user, reason=reason)
                messages.success(request, _("The variation has been approved and applied."))
            else:
                domain.variation_refuse(variation, acting_user=request.user, reason=reason)
                messages.success(request, _("The variation has been refused."))
        except Refused as refused:
            form.add_refusal(refused)
        else:
            return redirect(agreement_url(agreement))
    milestones = {str(each.pk): each for each in agreement.milestones.all()}
    return render(
        request,
        "schemes/agreement/variation.html",
        {
            "agreement": agreement,
            "variation": variation,
            "new_dates": [
                (milestones.get(pk), due) for pk, due in variation.new_milestone_dates.items()
            ],
            "new_profile": [
                (financial_year_label(year), BudgetCategory(category).label, amount)
                for (year, category), amount in sorted(
                    domain.agreements.stored_profile(variation).items()
                )
            ],
            "form": form,
        },
    )
