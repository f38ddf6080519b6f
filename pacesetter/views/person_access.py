"""A manager's help for someone who cannot sign in: reset their second factor, lift a lock."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pacesetter import forms
from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction
from pacesetter.lockout import lift_lock
from pacesetter.models import User
from pacesetter.permissions import can
from pacesetter.two_factor import reset_second_factor


def back_to_person(person):
    """Return the people page's address for `person`, or the home page before it exists."""
    for name, kwargs in (("person_detail", {"pk": person.pk}), ("people", {})):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return reverse("criteria:home")


def person_for(request, pk, permission):
    if not can(request.user, permission):
        raise PermissionDenied
    return get_object_or_404(User, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def person_two_factor_reset(request, pk):
    """Confirm with a reason, then remove a person's authenticator and recovery codes.

    They set up a new authenticator the next time they sign in. Audited with the reason.
    """
    person = person_for(request, pk, "pacesetter.reset_two_factor")
    form = forms.ReasonForm(
        request.POST if request.method == "POST" else None,
        submit_label=_("Reset second factor"),
    )
    if form.is_valid():
        reset_second_factor(person, acting_user=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            _("%(name)s’s second factor has been reset.") % {"name": person.get_short_name()},
        )
        return redirect(back_to_person(person))
    return render(
        request,
        "pacesetter/person/two_factor_reset.html",
        {"person": person, "form": form, "back_url": back_to_person(person)},
    )


@login_required
@require_POST
def person_unlock(request, pk):
    """Lift the lock on signing in with a person's email (after repeated failures); audit it."""
    person = person_for(request, pk, "pacesetter.unlock_sign_in")
    with transaction.atomic():
        lifted = lift_lock(person.email)
        audit_record(
            AuditAction.SIGN_IN_UNLOCKED,
            actor=request.user,
            obj=person,
            details={"attempts_forgotten": lifted},
        )
    messages.success(
        request,
        _("%(name)s can sign in again.") % {"name": person.get_short_name()},
    )
    return redirect(back_to_person(person))
