"""The budget editor: lines per financial year, their order, and other funding.

Every page fetches the application only if the user may edit it now, and every save goes
through `editing()` with the version the page was drawn from.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pacesetter.transitions import Refused
from schemes.domain.budget_editing import (
    budget_line_add,
    budget_line_change,
    budget_line_move,
    budget_line_remove,
    budget_years,
    other_funding_add,
    other_funding_change,
    other_funding_remove,
)
from schemes.domain.editing import editing
from schemes.enums import PERCENTAGE_OF_YEAR
from schemes.forms.budget import (
    BudgetLineForm,
    MoveBudgetLineForm,
    OtherFundingForm,
    RemoveForm,
)
from schemes.models import Application, BudgetLine, OtherFunding
from schemes.views.common import get_editable_application, in_application_language

SAVE_AND_RETURN = "save_and_return"


def editable_budget(request, reference):
    """Return the application, with its lines and other funding, if the user may edit it."""
    return get_editable_application(
        request,
        reference,
        Application.objects.prefetch_related("budget_lines", "other_funding"),
    )


def save_edit(request, application, form, write):
    """Run `write(fresh application)` inside `editing()`; return whether it was saved.

    A stale page or an application that can no longer be changed puts the reason on the
    form as an error, and nothing is written.
    """
    try:
        with editing(
            application, expected_version=form.cleaned_data["version"], acting_user=request.user
        ) as fresh:
            write(fresh)
    except Refused as refusal:
        form.add_error(None, refusal.message)
        return False
    return True


def after_save(request, application, message):
    messages.success(request, message)
    if SAVE_AND_RETURN in request.POST:
        return redirect("schemes:task_list", application.reference)
    return redirect("schemes:budget", application.reference)


def budget_years_shown(application, totals):
    """Return the years the budget page shows: every year the round allows, and any in use."""
    years = budget_years(application.round)
    return max([years] + [year.year for year in totals.years])


def line_amount(totals, line):
    """Return a line's amount as `budget_totals()` works it out."""
    for year in totals.years:
        for entry in year.lines:
            if entry.line.pk == line.pk:
                return entry.amount
    return None


@login_required
@in_application_language
def budget(request, reference):
    application = editable_budget(request, reference)
    return render_budget(request, application)


def render_budget(request, application, errors=()):
    totals = application.totals()
    by_year = {year.year: year for year in totals.years}
    years = [
        {"number": number, "totals": by_year.get(number)}
        for number in range(1, budget_years_shown(application, totals) + 1)
    ]
    return render(
        request,
        "schemes/budget/list.html",
        {
            "application": application,
            "totals": totals,
            "years": years,
            "other_funding": application.other_funding.all(),
            "errors": errors,
        },
    )


def live_totals(application, years, editing_line=None):
    """Return what the page's script needs to work out totals as the person types.

    Every other line goes in as whole pence or hundredths of a percent (strings, so the
    script can read them as BigInt without passing through floating point).
    """
    lines = []
    for line in application.budget_lines.all():
        if editing_line is not None and line.pk == editing_line.pk:
            continue
        entry = {"year": line.year, "category": line.category}
        if line.is_percentage:
            entry["percentage"] = str(int(line.percentage * 100))
            entry["of"] = line.percentage_of or PERCENTAGE_OF_YEAR
        else:
            entry["pence"] = str(int(line.costed_amount * 100))
        lines.append(entry)
    year_labels = {
        number: _("Year %(number)s total") % {"number": number} for number in range(1, years + 1)
    }
    return {"lines": json.dumps(lines), "year_labels": json.dumps(year_labels)}


def line_form_page(request, application, form, line=None):
    years = form.years
    return render(
        request,
        "schemes/budget/line_form.html",
        {
            "application": application,
            "form": form,
            "line": line,
            "live_totals": live_totals(application, years, editing_line=line),
        },
    )


@login_required
@in_application_language
def add_budget_line(request, reference):
    application = editable_budget(request, reference)
    years = budget_years(application.round)
    if request.method == "POST":
        form = BudgetLineForm(request.POST, years=years)
        if form.is_valid() and save_edit(
            request,
            application,
            form,
            lambda fresh: budget_line_add(
                application=fresh, acting_user=request.user, **form.line_values()
            ),
        ):
            return after_save(request, application, _("Budget line added"))
    else:
        year = request.GET.get("year", "1")
        form = BudgetLineForm(
            initial={
                "version": application.version,
                "year": int(year) if year.isdigit() and 1 <= int(year) <= years else 1,
            },
            years=years,
        )
    return line_form_page(request, application, form)


@login_required
@in_application_language
def edit_budget_line(request, reference, pk):
    application = editable_budget(request, reference)
    line = get_object_or_404(BudgetLine, pk=pk, application=application)
    years = budget_years(application.round)
    if request.method == "POST":
        form = BudgetLineForm(request.POST, years=years)
        if form.is_valid() and save_edit(
            request,
            application,
            form,
            lambda fresh: budget_line_change(
                application=fresh, acting_user=request.user, line=line, **form.line_values()
            ),
        ):
            return after_save(request, application, _("Budget line changed"))
    else:
        form = BudgetLineForm(
            initial={"version": application.version, **BudgetLineForm.initial_for(line)},
            years=years,
        )
    return line_form_page(request, application, form, line=line)


@login_required
@in_application_language
def remove_budget_line(request, reference, pk):
    application = editable_budget(request, reference)
    line = get_object_or_404(BudgetLine, pk=pk, application=application)
    if request.method == "POST":
        form = RemoveForm(request.POST)
        if form.is_valid() and save_edit(
            request,
            application,
            form,
            lambda fresh: budget_line_remove(
                application=fresh, acting_user=request.user, line=line
            ),
        ):
            return after_save(request, application, _("Budget line removed"))
    else:
        form = RemoveForm(initial={"version": application.version})
    return render(
        request,
        "schemes/budget/line_remove.html",
        {
            "application": application,
            "form": form,
            "line": line,
            "amount": line_amount(application.totals(), line),
        },
    )


@login_required
@in_application_language
def move_budget_line(request, reference, pk):
    application = editable_budget(request, reference)
    line = get_object_or_404(BudgetLine, pk=pk, application=application)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = MoveBudgetLineForm(request.POST)
    if not form.is_valid():
        return render_budget(request, application, errors=[_("Choose to move the line up or down")])
    if not save_edit(
        request,
        application,
        form,
        lambda fresh: budget_line_move(
            application=fresh,
            acting_user=request.user,
            line=line,
            direction=form.cleaned_data["direction"],
        ),
    ):
        return render_budget(request, application, errors=form.non_field_errors())
    return redirect(f"{reverse('schemes:budget', args=[application.reference])}#line-{line.pk}")


def funding_form_page(request, application, form, funding=None):
    return render(
        request,
        "schemes/budget/other_funding_form.html",
        {"application": application, "form": form, "funding": funding},
    )


@login_required
@in_application_language
def add_other_funding(request, reference):
    application = editable_budget(request, reference)
    if request.method == "POST":
        form = OtherFundingForm(request.POST)
        if form.is_valid() and save_edit(
            request,
            application,
            form,
            lambda fresh: other_funding_add(
                application=fresh, acting_user=request.user, **form.funding_values()
            ),
        ):
            return after_save(request, application, _("Other funding added"))
    else:
        form = OtherFundingForm(initial={"version": application.version})
    return funding_form_page(request, application, form)


@login_required
@in_application_language
def edit_other_funding(request, reference, pk):
    application = editable_budget(request, reference)
    funding = get_object_or_404(OtherFunding, pk=pk, application=application)
    if request.method == "POST":
        form = OtherFundingForm(request.POST)
        if form.is_valid() and save_edit(
            request,
            application,
            form,
            lambda fresh: other_funding_change(
                application=fresh,
                acting_user=request.user,
                funding=funding,
                **form.funding_values(),
            ),
        ):
            return after_save(request, application, _("Other funding changed"))
    else:
        form = OtherFundingForm(
            initial={"version": application.version, **OtherFundingForm.initial_for(funding)}
        )
    return funding_form_page(request, application, form, funding=funding)


@login_required
@in_application_language
def remove_other_funding(request, reference, pk):
    application = editable_budget(request, reference)
    funding = get_object_or_404(OtherFunding, pk=pk, application=application)
    if request.method == "POST":
        form = RemoveForm(request.POST)
        if form.is_valid() and save_edit(
            request,
            application,
            form,
            lambda fresh: other_funding_remove(
                application=fresh, acting_user=request.user, funding=funding
            ),
        ):
            return after_save(request, application, _("Other funding removed"))
    else:
        form = RemoveForm(initial={"version": application.version})
    return render(
        request,
        "schemes/budget/other_funding_remove.html",
        {"application": application, "form": form, "funding": funding},
    )
