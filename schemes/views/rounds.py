"""Programme managers set up rounds: create or copy, change, share the envelope, open, close.

Every write goes through `schemes.domain.round_setup` (and, for opening and closing, through
`schemes.domain.rounds.round_transition`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pacesetter.enums import OrganisationKind
from pacesetter.models import Organisation
from pacesetter.permissions import can
from pacesetter.transitions import Refused
from schemes.domain import round_setup
from schemes.enums import RoundState
from schemes.forms.rounds import RoundCopyForm, RoundForm, RoundSharesForm, times_initial
from schemes.models import Round


def get_managed_round(request, code):
    """The round, for a programme manager; a draft stays a 404 to anyone else."""
    round = get_object_or_404(
        Round.objects.visible_to(request.user).select_related("criteria_set", "question_set"),
        code=code,
    )
    if not can(request.user, "schemes.manage_round", round):
        raise PermissionDenied
    return round


def get_changeable_round(request, code):
    """The round, if its details may still change; otherwise a 403 that says why."""
    round = get_managed_round(request, code)
    refused = round_setup.state_problem(round)
    if refused:
        raise PermissionDenied(refused)
    return round


@login_required
def round_create(request):
    if not can(request.user, "schemes.manage_round", None):
        raise PermissionDenied
    form = RoundForm(
        request.POST if request.method == "POST" else None, submit_label=_("Create round")
    )
    if request.method == "POST" and form.is_valid():
        details = form.round_details()
        try:
            round = round_setup.round_create(acting_user=request.user, **details)
        except Refused as refusal:
            form.add_problems(refusal.errors)
        else:
            messages.success(
                request,
                _("%(name)s has been created as a draft. Only programme managers can see it.")
                % {"name": round.name},
            )
            return redirect(round.get_absolute_url())
    return render(request, "schemes/round/create.html", {"form": form})


@login_required
def round_copy(request, code):
    source = get_managed_round(request, code)
    suggestion = round_setup.copy_suggestion(source)
    initial = {
        "code": suggestion.get("code", ""),
        "name": suggestion.get("name", ""),
        "name_cy": suggestion.get("name_cy", ""),
        **times_initial(
            suggestion.get("opens_at", source.opens_at),
            suggestion.get("closes_at", source.closes_at),
        ),
    }
    form = RoundCopyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        details = form.round_details()
        try:
            round = round_setup.round_copy(source=source, acting_user=request.user, **details)
        except Refused as refusal:
            form.add_problems(refusal.errors)
        else:
            messages.success(
                request,
                _("%(name)s has been created as a draft copy of %(source)s.")
                % {"name": round.name, "source": source.name},
            )
            return redirect(round.get_absolute_url())
    return render(request, "schemes/round/copy.html", {"source": source, "form": form})


@login_required
def round_edit(request, code):
    round = get_changeable_round(request, code)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        round=round,
        initial=RoundForm.initial_for(round),
        submit_label=_("Save changes"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            round = round_setup.round_update(
                round=round, acting_user=request.user, **form.round_details()
            )
        except Refused as refusal:
            form.add_problems(refusal.errors)
        else:
            messages.success(request, _("The round’s details have been saved."))
            return redirect(round.get_absolute_url())
    return render(request, "schemes/round/edit.html", {"round": round, "form": form})


@login_required
def round_shares(request, code):
    round = get_changeable_round(request, code)
    organisations = (
        Organisation.objects.filter(
            Q(kind=OrganisationKind.HEALTH_BOARD) | Q(indicativeshare__round=round)
        )
        .distinct()
        .order_by("name")
    )
    form = RoundSharesForm(
        request.POST if request.method == "POST" else None, round=round, organisations=organisations
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_setup.round_set_shares(
                round=round, acting_user=request.user, amounts=form.amounts()
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The indicative shares have been saved."))
            return redirect(round.get_absolute_url())
    return render(request, "schemes/round/shares.html", {"round": round, "form": form})


def round_move(request, code, *, to, move, template):
    """Confirm a move of the round's state (GET), then make it (POST)."""
    round = get_managed_round(request, code)
    refusal = None
    if request.method == "POST":
        try:
            round = move(round, acting_user=request.user)
        except Refused as refused:
            refusal = refused.message
        else:
            messages.success(
                request,
                _("%(name)s is now %(state)s.")
                % {"name": round.name, "state": round.get_state_display().lower()},
            )
            return redirect(round.get_absolute_url())
    else:
        refusal = round_setup.move_problem(round, to)
    return render(request, template, {"round": round, "refusal": refusal})


@login_required
def round_open(request, code):
    return round_move(
        request,
        code,
        to=RoundState.OPEN,
        move=round_setup.round_open,
        template="schemes/round/open.html",
    )


@login_required
def round_close(request, code):
    return round_move(
        request,
        code,
        to=RoundState.CLOSED,
        move=round_setup.round_close,
        template="schemes/round/close.html",
    )
