"""The people page: programme managers list people, invite them, change and stop their access.

Every write goes through `pacesetter.people`; these views ask the rules who may come in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pacesetter import people
from pacesetter.audit_log import audit_rows, events_for_reading
from pacesetter.enums import AuditAction, Role
from pacesetter.models import AuditEvent, Invitation, Organisation, User
from pacesetter.paging import choice, paginate, search_term
from pacesetter.people_forms import AccessReasonForm, InvitationForm, RoleChangeForm
from pacesetter.permissions import can
from pacesetter.transitions import Refused

ACTIVE_CHOICES = [("yes", gettext_lazy("Active")), ("no", gettext_lazy("Deactivated"))]

# What the person page's history shows: changes to the person, not their every sign-in.
PERSON_ACTIONS = [
    AuditAction.INVITATION_ACCEPTED,
    AuditAction.PERSON_ROLE_CHANGED,
    AuditAction.PERSON_ORGANISATION_CHANGED,
    AuditAction.PERSON_DEACTIVATED,
    AuditAction.PERSON_REACTIVATED,
    AuditAction.ADMIN_ADDED,
    AuditAction.ADMIN_CHANGED,
]
HISTORY_PER_PAGE = 20


def check_may_manage(request):
    if not can(request.user, people.MANAGE_PEOPLE):
        raise PermissionDenied


def get_person(request, pk):
    check_may_manage(request)
    return get_object_or_404(User.objects.select_related("organisation"), pk=pk)


def site_url(request):
    """The portal's address as this request reached it (a host ALLOWED_HOSTS accepts)."""
    return request.build_absolute_uri("/")


def url_exists(name, *args):
    """Whether a page named `name` exists (another part of the portal may add it later)."""
    try:
        reverse(name, args=args)
    except NoReverseMatch:
        return False
    return True


@login_required
def people_list(request):
    check_may_manage(request)
    organisations = list(Organisation.objects.order_by("name"))
    search = search_term(request.GET.get("search"))
    role = choice(request.GET.get("role"), set(Role.values))
    organisation = choice(request.GET.get("organisation"), {each.code for each in organisations})
    active = choice(request.GET.get("active"), {value for value, _label in ACTIVE_CHOICES})
    found = User.objects.select_related("organisation")
    if search:
        found = found.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    if role:
        found = found.filter(role=role)
    if organisation:
        found = found.filter(organisation__code=organisation)
    if active:
        found = found.filter(is_active=active == "yes")
    params = {"search": search, "role": role, "organisation": organisation, "active": active}
    listing = paginate(found.order_by("full_name", "email"), request.GET.get("page"), params)
    waiting = Invitation.objects.waiting().select_related("organisation", "invited_by")
    return render(
        request,
        "pacesetter/people/list.html",
        {
            "listing": listing,
            "search": search,
            "role": role,
            "roles": Role.choices,
            "organisation": organisation,
            "organisations": organisations,
            "active": active,
            "active_choices": ACTIVE_CHOICES,
            "filtered": any(params.values()),
            "invitations": waiting.order_by("-created_at", "-pk"),
        },
    )


@login_required
def person_invite(request):
    check_may_manage(request)
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = people.person_invite(
                **form.cleaned_data, acting_user=request.user, site_url=site_url(request)
            )
        except Refused as refusal:
            form.add_problems(refusal)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s. Its link works for 7 days.")
                % {"email": invitation.email},
            )
            return redirect("people_list")
    return render(request, "pacesetter/people/invite.html", {"form": form})


@login_required
@require_POST
def invitation_resend(request, pk):
    check_may_manage(request)
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        new = people.invitation_resend(
            invitation=invitation, acting_user=request.user, site_url=site_url(request)
        )
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("A new invitation has been sent to %(email)s. The earlier link no longer works.")
            % {"email": new.email},
        )
    return redirect("people_list")


@login_required
def person_detail(request, pk):
    person = get_person(request, pk)
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        action__in=PERSON_ACTIONS,
    )
    listing = paginate(
        events_for_reading(events), request.GET.get("page"), {}, per_page=HISTORY_PER_PAGE
    )
    return render(
        request,
        "pacesetter/people/detail.html",
        {
            "person": person,
            "listing": listing,
            "rows": audit_rows(listing.rows, links=False),
            "is_self": person.pk == request.user.pk,
            "deactivation_problem": people.deactivation_problem(person, request.user),
            "two_factor_reset_available": url_exists("person_two_factor_reset", person.pk),
            "unlock_available": url_exists("person_unlock", person.pk),
        },
    )


@login_required
def person_change_role(request, pk):
    person = get_person(request, pk)
    form = RoleChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"role": person.role, "organisation": person.organisation},
    )
    if request.method == "POST" and form.is_valid():
        try:
            people.person_change_role(person=person, **form.cleaned_data, acting_user=request.user)
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("%(name)s’s role and organisation have been saved.") % {"name": person.full_name},
            )
            return redirect(person.get_absolute_url())
    return render(request, "pacesetter/people/role.html", {"person": person, "form": form})


def access_change(request, pk, *, to, change, template, **form_texts):
    """Ask for the reason (GET), then deactivate or reactivate the person (POST)."""
    person = get_person(request, pk)
    refusal = people.deactivation_problem(person, request.user) if not to else ""
    if person.is_active == to:
        refusal = (
            _("%(name)s is already active.") if to else _("%(name)s is already deactivated.")
        ) % {"name": person.full_name}
    form = AccessReasonForm(request.POST if request.method == "POST" else None, **form_texts)
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            change(person=person, reason=form.cleaned_data["reason"], acting_user=request.user)
        except Refused as refused:
            refusal = refused.message
        else:
            messages.success(
                request,
                (
                    _("%(name)s can sign in again.")
                    if to
                    else _("%(name)s has been deactivated and signed out everywhere.")
                )
                % {"name": person.full_name},
            )
            return redirect(person.get_absolute_url())
    return render(request, template, {"person": person, "form": form, "refusal": refusal})


@login_required
def person_deactivate(request, pk):
    return access_change(
        request,
        pk,
        to=False,
        change=people.person_deactivate,
        template="pacesetter/people/deactivate.html",
        label=_("Reason for deactivating"),
        required_message=_("Enter the reason for deactivating this person"),
        submit_label=_("Deactivate"),
        warning=True,
    )


@login_required
def person_reactivate(request, pk):
    return access_change(
        request,
        pk,
        to=True,
        change=people.person_reactivate,
        template="pacesetter/people/reactivate.html",
        label=_("Reason for reactivating"),
        required_message=_("Enter the reason for reactivating this person"),
        submit_label=_("Reactivate"),
    )
