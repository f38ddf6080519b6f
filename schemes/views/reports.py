"""Quarterly reports: started by the board's lead for an ended quarter, saved as they go,
checked and submitted; accepted or returned by the programme manager; every version kept.

The report is found through the user's scoped querysets (a 404 outside them), then the
permission is asked (a 403); every write goes through `schemes.domain.monitoring`.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain import monitoring as domain
from schemes.domain.monitoring.reports import NOT_EDITABLE
from schemes.enums import (
    REPORT_EDITABLE_STATUSES,
    BudgetCategory,
    MilestoneStatus,
    Rating,
    ReportStatus,
    SchemeStatus,
)
from schemes.forms.common import VersionedForm
from schemes.forms.monitoring import ACCEPT, ReportForm, ReportReviewForm
from schemes.models import QuarterlyReport
from schemes.views.agreements import get_agreement, render_agreement

SAVE_AND_RETURN = "save_and_return"


def period_start(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Http404 from None


def get_report(request, reference, start, permission="schemes.view_report"):
    """The report of `reference` for the quarter starting `start`: 404 outside what the user
    may see, 403 without `permission`."""
    report = get_object_or_404(
        QuarterlyReport.objects.visible_to(request.user).select_related(
            "agreement__application__organisation", "agreement__application__decision", "period"
        ),
        agreement__application__reference=reference,
        period__start=period_start(start),
    )
    if not can(request.user, "schemes.view_report", report):
        raise PermissionDenied
    if not can(request.user, permission, report):
        raise PermissionDenied
    return report


def report_url(report, name="schemes:report_detail"):
    return reverse(name, args=[report.agreement.application.reference, report.period.start])


def is_board_lead(user, report):
    """A lead of the report's board: the one who may try to change it, whatever its status."""
    return can(user, "schemes.start_report", report.agreement)


def labelled(snapshot):
    """A report as `report_snapshot` keeps it, with the words people read for each choice."""

    def label(choices, value):
        return choices(value).label if value in choices.values else ""

    return {
        **snapshot,
        "delivery_rating_label": label(Rating, snapshot["delivery_rating"]),
        "spend_rating_label": label(Rating, snapshot["spend_rating"]),
        "scheme_status_label": label(SchemeStatus, snapshot["scheme_status"]),
        "scheme_status_date": (
            datetime.date.fromisoformat(snapshot["scheme_status_date"])
            if snapshot["scheme_status_date"]
            else None
        ),
        "milestones": [
            {
                **row,
                "status_label": label(MilestoneStatus, row["status"]),
                "due_date": datetime.date.fromisoformat(row["due_date"]),
            }
            for row in snapshot["milestones"]
        ],
        "spend": [
            {**row, "category_label": label(BudgetCategory, row["category"])}
            for row in snapshot["spend"]
        ],
    }


def approved_for_year(report):
    return {
        line.category: line.approved_amount
        for line in report.agreement.profile_lines.filter(
            financial_year=report.period.financial_year
        )
    }


@login_required
@require_POST
def report_start(request, reference, start):
    agreement = get_agreement(request, reference, "schemes.start_report")
    period = get_object_or_404(agreement.periods.all(), start=period_start(start))
    try:
        report = domain.report_start(agreement=agreement, period=period, acting_user=request.user)
    except Refused as refused:
        return render_agreement(
            request,
            agreement,
            refusal=_("The report has not been started."),
            problems=[refused.message],
        )
    return redirect(report_url(report, "schemes:report_edit"))


@login_required
def report_detail(request, reference, start):
    report = get_report(request, reference, start)
    form = None
    if can(request.user, "schemes.review_report", report) and (
        report.status == ReportStatus.SUBMITTED
    ):
        form = ReportReviewForm()
    return render_report(request, report, form)


def render_report(request, report, form):
    return render(
        request,
        "schemes/report/detail.html",
        {
            "report": report,
            "agreement": report.agreement,
            "document": labelled(domain.report_snapshot(report)),
            "versions": report.versions.select_related("submitted_by"),
            "can_edit": can(request.user, "schemes.edit_report", report),
            "form": form,
        },
    )


@login_required
@require_POST
def report_review(request, reference, start):
    report = get_report(request, reference, start, "schemes.review_report")
    form = ReportReviewForm(request.POST)
    if form.is_valid():
        comments = form.cleaned_data["comments"]
        try:
            if form.cleaned_data["decision"] == ACCEPT:
                domain.report_accept(report, acting_user=request.user, comments=comments)
                messages.success(request, _("The report has been accepted."))
            else:
                domain.report_return(report, acting_user=request.user, comments=comments)
                messages.success(request, _("The report has been returned to the health board."))
        except Refused as refused:
            form.add_refusal(refused)
        else:
            return redirect(report_url(report))
    return render_report(request, report, form)


def editable_report(request, reference, start):
    """The report for a page that changes it: its board's lead only; once it is submitted or
    accepted, a page that says so (a POST goes on to the domain, which refuses it)."""
    report = get_report(request, reference, start)
    if not is_board_lead(request.user, report):
        raise PermissionDenied
    if request.method != "POST" and report.status not in REPORT_EDITABLE_STATUSES:
        raise PermissionDenied(NOT_EDITABLE)
    return report


@login_required
def report_edit(request, reference, start):
    report = editable_report(request, reference, start)
    approved = approved_for_year(report)
    form = ReportForm(
        request.POST if request.method == "POST" else None, report=report, approved=approved
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain.report_save(
                report,
                expected_version=form.cleaned_data["version"],
                acting_user=request.user,
                **form.save_values(),
            )
        except Refused as refused:
            form.add_refusal(refused)
        else:
            if SAVE_AND_RETURN in request.POST:
                messages.success(
                    request, _("Your report has been saved. You can come back to it later.")
                )
                return redirect(report_url(report))
            return redirect(report_url(report, "schemes:report_check"))
    return render_edit(request, report, form)


def render_edit(request, report, form, status=200):
    return render(
        request,
        "schemes/report/edit.html",
        {"report": report, "agreement": report.agreement, "form": form},
        status=status,
    )


@login_required
def report_check(request, reference, start):
    """Check answers, then submit (POST)."""
    report = editable_report(request, reference, start)
    form = VersionedForm(
        request.POST if request.method == "POST" else None, initial={"version": report.version}
    )
    refusal = None
    if request.method == "POST":
        if not form.is_valid():
            refusal = domain.STALE_EDIT
        else:
            try:
                domain.report_submit(
                    report, expected_version=form.cleaned_data["version"], acting_user=request.user
                )
            except Refused as refused:
                if refused.errors:
                    # Show each problem next to its field on the report's own form.
                    report.refresh_from_db()
                    edit = ReportForm(report=report, approved=approved_for_year(report))
                    edit = ReportForm(
                        edit_data(edit), report=report, approved=approved_for_year(report)
                    )
                    edit.is_valid()
                    edit.add_refusal(refused)
                    return render_edit(request, report, edit)
                refusal = refused.message
            else:
                messages.success(request, _("Your report has been submitted."))
                return redirect(report_url(report))
    report.refresh_from_db()
    return render(
        request,
        "schemes/report/check.html",
        {
            "report": report,
            "agreement": report.agreement,
            "document": labelled(domain.report_snapshot(report)),
            "form": VersionedForm(initial={"version": report.version}),
            "refusal": refusal,
        },
    )


def edit_data(form):
    """The data an unbound report form would post: what the report holds now."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, datetime.date):
            data[f"{name}_0"], data[f"{name}_1"], data[f"{name}_2"] = (
                str(value.day),
                str(value.month),
                str(value.year),
            )
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


@login_required
def report_version(request, reference, start, number):
    report = get_report(request, reference, start)
    version = get_object_or_404(report.versions.select_related("submitted_by"), number=number)
    return render(
        request,
        "schemes/report/version.html",
        {
            "report": report,
            "agreement": report.agreement,
            "version": version,
            "document": labelled(version.snapshot),
        },
    )
