"""Predicates about who a user is; apps combine them into permissions."""

import rules

from pacesetter.enums import Role


@rules.predicate
def is_applicant(user):
    return getattr(user, "role", None) == Role.APPLICANT


@rules.predicate
def is_reviewer(user):
    return getattr(user, "role", None) == Role.REVIEWER


@rules.predicate
def is_programme_manager(user):
    return getattr(user, "role", None) == Role.PROGRAMME_MANAGER


@rules.predicate
def chairs_a_panel(user):
    return bool(user.is_authenticated and user.chaired_rounds.exists())


# The audit trail (timelines and the portal-wide log) tells who did what to every record.
can_view_audit_log = rules.is_authenticated & is_programme_manager
rules.add_perm("pacesetter.view_audit_log", can_view_audit_log)

# People: who may use the portal, in which role, for which organisation.
can_manage_people = rules.is_authenticated & rules.is_active & is_programme_manager
rules.add_perm("pacesetter.manage_people", can_manage_people)

# Helping someone who cannot sign in: reset their second factor, lift a sign-in lock.
can_help_people_sign_in = rules.is_authenticated & is_programme_manager
rules.add_perm("pacesetter.reset_two_factor", can_help_people_sign_in)
rules.add_perm("pacesetter.unlock_sign_in", can_help_people_sign_in)
