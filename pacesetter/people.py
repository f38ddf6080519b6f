"""Who may use the portal: invitations, and a person's role, organisation and access.

Each write is one keyword-only function taking `acting_user=`, in one transaction, writing
one audit event; mail goes once the transaction commits. Nobody registers themselves: an
account is made only by accepting a programme manager's invitation (or in the Django admin).
"""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction, Role
from pacesetter.mail import mail_queue
from pacesetter.models import INVITATION_LIFETIME, Invitation, User, invitation_token_hash
from pacesetter.permissions import can
from pacesetter.transitions import Move, Refused, transition

MANAGE_PEOPLE = "pacesetter.manage_people"

# Roles whose work belongs to an organisation: an applicant's health board, a reviewer's
# employer (which the conflict rules read).
NEEDS_ORGANISATION = {Role.APPLICANT, Role.REVIEWER}

ACCESS_MOVES = {
    (True, False): Move(MANAGE_PEOPLE, AuditAction.PERSON_DEACTIVATED),
    (False, True): Move(MANAGE_PEOPLE, AuditAction.PERSON_REACTIVATED),
}

# Why a link no longer works, for the person who followed it.
LINK_PROBLEMS = {
    Invitation.State.ACCEPTED: _("This invitation has already been used."),
    Invitation.State.REPLACED: _("This invitation has been replaced by a newer one."),
    Invitation.State.EXPIRED: _("This invitation has expired."),
}


def _check_may_manage(acting_user):
    if not can(acting_user, MANAGE_PEOPLE):
        raise PermissionDenied


def _organisation_problem(role, organisation):
    if role in NEEDS_ORGANISATION and organisation is None:
        if role == Role.REVIEWER:
            return _("Choose the reviewer’s employer: conflicts of interest are checked by it")
        return _("Choose the health board or body the person applies for")
    return ""


def _lock_managers():
    """Lock the active programme managers' rows, so two managers cannot both step down at once.

    (PostgreSQL locks the rows; SQLite's IMMEDIATE transactions already run one at a time.)
    """
    list(
        User.objects.select_for_update()
        .filter(role=Role.PROGRAMME_MANAGER, is_active=True)
        .values_list("pk", flat=True)
    )


def _is_last_manager(person):
    return (
        person.role == Role.PROGRAMME_MANAGER
        and not User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True)
        .exclude(pk=person.pk)
        .exists()
    )


def role_change_problem(person, role, acting_user):
    """Return why `acting_user` may not give `person` the role `role`, or ""."""
    if role == person.role or role == Role.PROGRAMME_MANAGER:
        return ""
    if person.pk == acting_user.pk:
        return _("You cannot remove your own programme manager role. Ask another manager.")
    if person.is_active and _is_last_manager(person):
        return _("%(name)s is the last active programme manager, so keeps that role.") % {
            "name": person.full_name
        }
    return ""


def deactivation_problem(person, acting_user):
    """Return why `acting_user` may not deactivate `person`, or ""."""
    if person.pk == acting_user.pk:
        return _("You cannot deactivate yourself. Ask another programme manager.")
    if person.is_active and _is_last_manager(person):
        return _("%(name)s is the last active programme manager and cannot be deactivated.") % {
            "name": person.full_name
        }
    return ""


def sessions_end(user):
    """Delete every live session `user` is signed in with; return how many there were.

    Sessions are stored in the database and last 12 hours at most, so the live ones are few
    (one per signed-in device); each is decoded to find whose it is. No mapping of users to
    session keys is kept that could fall out of step when a key is cycled at sign-in.
    """
    now = timezone.now()
    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=now).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()
    return len(theirs)


# Invitations -------------------------------------------------------------------------------


def _invitation_link(site_url, token):
    return site_url.rstrip("/") + reverse("invitation_accept", args=[token])


def _mail_invitation(invitation, token, site_url):
    mail_queue(
        recipient=invitation,
        template="pacesetter/email/invitation",
        context={
            "invitation": invitation,
            "link": _invitation_link(site_url, token),
            "two_factor": getattr(settings, "REQUIRE_TWO_FACTOR", False),
        },
    )


def _invite(*, email, full_name, role, organisation, language, acting_user, site_url):
    """Make a new invitation, replacing any still waiting for `email`; mail it on commit."""
    now = timezone.now()
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise Refused(
            _("%(email)s already has an account."),
            errors={"email": _("This person already has an account: change it on their page")},
        )
    problem = _organisation_problem(role, organisation)
    if problem:
        raise Refused(problem, errors={"organisation": problem})
    replaced = list(
        Invitation.objects.waiting().filter(email__iexact=email).values_list("pk", flat=True)
    )
    Invitation.objects.filter(pk__in=replaced).update(invalidated_at=now)
    token = Invitation.new_token()
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name,
        role=role,
        organisation=organisation if role in NEEDS_ORGANISATION or organisation else None,
        language=language,
        invited_by=acting_user,
        token_hash=invitation_token_hash(token),
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    _mail_invitation(invitation, token, site_url)
    return invitation, replaced


def person_invite(*, email, full_name, role, organisation, language, acting_user, site_url):
    """Invite a person by email to join in `role` for `organisation`; return the invitation.

    Any invitation still waiting for the same address stops working. `site_url` is the
    portal's address the link starts with. Refuses an address that already has an active
    account, and an applicant or reviewer without an organisation.
    """
    _check_may_manage(acting_user)
    with transaction.atomic():
        invitation, replaced = _invite(
            email=email,
            full_name=full_name,
            role=role,
            organisation=organisation,
            language=language,
            acting_user=acting_user,
            site_url=site_url,
        )
        audit_record(
            AuditAction.INVITATION_SENT,
            actor=acting_user,
            obj=invitation,
            to_state=invitation.role,
            details=_invitation_details(invitation, replaced),
        )
    return invitation


def invitation_resend(*, invitation, acting_user, site_url):
    """Send `invitation` again with a new link (the old link stops working); return the new one."""
    _check_may_manage(acting_user)
    with transaction.atomic():
        current = Invitation.objects.select_related("organisation").get(pk=invitation.pk)
        if current.used_at:
            raise Refused(_("%(name)s has already accepted this invitation.") % _names(current))
        new, replaced = _invite(
            email=current.email,
            full_name=current.full_name,
            role=current.role,
            organisation=current.organisation,
            language=current.language,
            acting_user=acting_user,
            site_url=site_url,
        )
        audit_record(
            AuditAction.INVITATION_RESENT,
            actor=acting_user,
            obj=new,
            to_state=new.role,
            details=_invitation_details(new, replaced),
        )
    return new


def _names(invitation):
    return {"name": invitation.full_name, "email": invitation.email}


def _invitation_details(invitation, replaced):
    return {
        "email": invitation.email,
        "organisation": invitation.organisation.code if invitation.organisation else None,
        "language": invitation.language,
        "expires": invitation.expires_at.isoformat(),
        "replaced_invitations": replaced,
    }


def invitation_link_problem(invitation, now=None):
    """Return why the link of `invitation` (None for an unknown link) does not work, or ""."""
    if invitation is None:
        return _("This link is not valid.")
    return LINK_PROBLEMS.get(invitation.state(now), "")


def invitation_accept(*, token, password, acting_user):
    """Make (or reactivate) the invited person's account with `password`; return the user.

    `acting_user` is whoever followed the link (nobody is signed in yet); the audit event's
    actor is the person the account is for. The link is used up: of two simultaneous
    acceptances, only one succeeds. Refuses an unknown, used, replaced or expired link.
    """
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_related("organisation").for_token(token)
        problem = invitation_link_problem(invitation, now)
        if problem:
            raise Refused(problem)
        existing = User.objects.filter(email__iexact=invitation.email).first()
        if existing is not None and existing.is_active:
            raise Refused(_("There is already an account for this email address. Sign in."))
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, invalidated_at__isnull=True
        ).update(used_at=now)
        if not claimed:
            raise Refused(LINK_PROBLEMS[Invitation.State.ACCEPTED])
        user = existing or User(email=invitation.email, date_joined=now)
        user.full_name = invitation.full_name
        user.role = invitation.role
        user.organisation = invitation.organisation
        user.language = invitation.language
        user.is_active = True
        user.set_password(password)
        user.save()
        Invitation.objects.filter(pk=invitation.pk).update(user=user)
        audit_record(
            AuditAction.INVITATION_ACCEPTED,
            actor=user,
            obj=user,
            to_state=user.role,
            details={
                "invitation": invitation.pk,
                "organisation": user.organisation.code if user.organisation else None,
                "language": user.language,
                "reactivated": existing is not None,
            },
        )
    return user


def _mail_renewal_request(invitation):
    managers = User.objects.filter(role=Role.PROGRAMME_MANAGER, is_active=True)
    for manager in managers:
        mail_queue(
            recipient=manager,
            template="pacesetter/email/invitation_renewal",
            context={"invitation": invitation, "manager": manager, "path": reverse("people_list")},
        )


def invitation_request_renewal(*, token, acting_user):
    """Ask the programme managers, by email, for a new link in place of an expired one.

    Only someone holding a real invitation's link can ask, and only once per invitation, so
    the page cannot be used to send managers mail at will. Refuses a link that still works,
    one already used, one unknown and a second request.
    """
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.select_related("organisation").for_token(token)
        state = invitation.state(now) if invitation else None
        if state not in (Invitation.State.EXPIRED, Invitation.State.REPLACED):
            raise Refused(invitation_link_problem(invitation, now) or _("This link still works."))
        claimed = Invitation.objects.filter(
            pk=invitation.pk, renewal_requested_at__isnull=True
        ).update(renewal_requested_at=now)
        if not claimed:
            raise Refused(_("You have already asked for a new invitation."))
        invitation.renewal_requested_at = now
        audit_record(
            AuditAction.INVITATION_RENEWAL_REQUESTED,
            actor=acting_user,
            obj=invitation,
            from_state=state,
            details={"email": invitation.email},
        )
        _mail_renewal_request(invitation)
    return invitation


# A person's role, organisation and access --------------------------------------------------


def person_change_role(*, person, role, organisation, reason, acting_user):
    """Give `person` a new role and/or organisation, for `reason`; return them, fresh.

    Audited with the role and organisation from and to. Refuses no change at all, a manager
    removing their own manager role, and demoting the last active programme manager.
    """
    _check_may_manage(acting_user)
    with transaction.atomic():
        _lock_managers()
        current = User.objects.select_related("organisation").get(pk=person.pk)
        if role == current.role and organisation == current.organisation:
            raise Refused(_("Nothing has changed: choose a different role or organisation."))
        problem = role_change_problem(current, role, acting_user) or _organisation_problem(
            role, organisation
        )
        if problem:
            raise Refused(problem)
        was_role, was_organisation = current.role, current.organisation
        current.role, current.organisation = role, organisation
        current.save(update_fields=["role", "organisation"])
        audit_record(
            AuditAction.PERSON_ROLE_CHANGED
            if role != was_role
            else AuditAction.PERSON_ORGANISATION_CHANGED,
            actor=acting_user,
            obj=current,
            from_state=was_role,
            to_state=role,
            reason=reason,
            details={
                "organisation": {
                    "from": was_organisation.code if was_organisation else None,
                    "to": organisation.code if organisation else None,
                }
            },
        )
    return current


def _access_refused(current, to):
    if to:
        return _("%(name)s is already active.") % {"name": current.full_name}
    return _("%(name)s is already deactivated.") % {"name": current.full_name}


def person_deactivate(*, person, reason, acting_user):
    """Stop `person` signing in, for `reason`, and end their sessions at once; return them.

    Their waiting invitations stop working too. Refuses a manager deactivating themselves
    and deactivating the last active programme manager.
    """
    _check_may_manage(acting_user)
    with transaction.atomic():
        _lock_managers()
        current = User.objects.get(pk=person.pk)
        problem = deactivation_problem(current, acting_user)
        if problem:
            raise Refused(problem)
        ended = sessions_end(current)
        stopped = Invitation.objects.waiting().filter(email__iexact=current.email)
        invitations = stopped.update(invalidated_at=timezone.now())
        return transition(
            current,
            to=False,
            moves=ACCESS_MOVES,
            acting_user=acting_user,
            state_field="is_active",
            reason=reason,
            details={"sessions_ended": ended, "invitations_stopped": invitations},
            refused_message=_access_refused,
        )


def person_reactivate(*, person, reason, acting_user):
    """Let `person` sign in again with their own password, for `reason`; return them."""
    _check_may_manage(acting_user)
    return transition(
        person,
        to=True,
        moves=ACCESS_MOVES,
        acting_user=acting_user,
        state_field="is_active",
        reason=reason,
        refused_message=_access_refused,
    )
