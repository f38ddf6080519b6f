"""An invitation's link: set a password and come in, or find out why the link no longer works.

These pages are open to anyone holding a link; the link's token is the only key. They are
never cached, and a link that no longer works says why and how to get a new one.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pacesetter import people
from pacesetter.models import Invitation, User
from pacesetter.people_forms import InvitationAcceptForm
from pacesetter.transitions import Refused

# An invitation that no longer works is gone (410); a link that never worked is not found.
GONE = 410
NOT_FOUND = 404
RENEWABLE = {Invitation.State.EXPIRED, Invitation.State.REPLACED}


def find_invitation(token):
    return Invitation.objects.select_related("organisation", "invited_by").for_token(token)


def after_acceptance_url():
    """Where a newly invited person goes: enrolling a second factor, where it is required."""
    if getattr(settings, "REQUIRE_TWO_FACTOR", False):
        return reverse("account_two_factor_setup")
    return reverse("criteria:home")


def unusable(request, invitation, token):
    state = invitation.state() if invitation else None
    return render(
        request,
        "pacesetter/invitation/unusable.html",
        {
            "invitation": invitation,
            "token": token,
            "state": state,
            "problem": people.invitation_link_problem(invitation),
            "renewable": state in RENEWABLE and invitation.renewal_requested_at is None,
        },
        status=NOT_FOUND if invitation is None else GONE,
    )


@never_cache
def invitation_accept(request, token):
    """Set a password from an invitation's link, in the language the person was invited in.

    Unless they chose a language with the header's switch (its cookie) or are signed in (their
    recorded language, which the middleware has already made the page's).
    """
    invitation = find_invitation(token)
    if people.invitation_link_problem(invitation):
        return unusable(request, invitation, token)
    has_chosen = (
        bool(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)) or request.user.is_authenticated
    )
    language = translation.get_language() if has_chosen else invitation.language
    with translation.override(language):
        return accept(request, invitation, token)


def accept(request, invitation, token):
    # The password is checked against the person's own name and address, as Django's
    # validators do for an account that exists.
    person = User(email=invitation.email, full_name=invitation.full_name)
    form = InvitationAcceptForm(person, request.POST if request.method == "POST" else None)
    if request.method == "POST" and not request.user.is_authenticated and form.is_valid():
        try:
            user = people.invitation_accept(
                token=token,
                password=form.cleaned_data["new_password1"],
                acting_user=request.user,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your password has been set. Welcome to the portal."))
            return redirect(after_acceptance_url())
    return render(
        request,
        "pacesetter/invitation/accept.html",
        {"invitation": invitation, "form": form},
    )


@never_cache
@require_POST
def invitation_renewal(request, token):
    """Ask the programme managers for a new link in place of an expired or replaced one."""
    try:
        people.invitation_request_renewal(token=token, acting_user=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    return redirect("invitation_accept", token=token)
