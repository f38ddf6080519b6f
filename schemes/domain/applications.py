"""An application's workflow: start, submit, return for clarification, withdraw.

Every change of status goes through `transition_application`, which holds the table of
allowed moves, runs in a transaction, writes the audit row and sends mail once committed.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction, Role
from pacesetter.language import supported
from pacesetter.languages import ENGLISH
from pacesetter.mail import mail_queue
from pacesetter.models import User
from pacesetter.permissions import can
from pacesetter.transitions import Move, Refused, transition
from schemes.domain.editing import editing
from schemes.enums import ApplicationStatus, QuestionKind
from schemes.models import Application, DeadlineExtension

S = ApplicationStatus
LANGUAGE_REQUIRED = _("Select the language you will write this application in")
LANGUAGE_FIXED = _("The language can only be changed before the application is submitted.")

# (from, to) -> the permission the acting user needs for that move and the audit action.
TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): Move("schemes.edit_application", AuditAction.APPLICATION_SUBMITTED),
    (S.CLARIFICATION, S.SUBMITTED): Move(
        "schemes.edit_application", AuditAction.APPLICATION_RESUBMITTED
    ),
    (S.SUBMITTED, S.CLARIFICATION): Move(
        "schemes.return_application", AuditAction.APPLICATION_RETURNED
    ),
    (S.DRAFT, S.WITHDRAWN): Move("schemes.withdraw_application", AuditAction.APPLICATION_WITHDRAWN),
    (S.SUBMITTED, S.WITHDRAWN): Move(
        "schemes.withdraw_application", AuditAction.APPLICATION_WITHDRAWN
    ),
    (S.CLARIFICATION, S.WITHDRAWN): Move(
        "schemes.withdraw_application", AuditAction.APPLICATION_WITHDRAWN
    ),
    (S.SUBMITTED, S.APPROVED): Move("schemes.decide_application", AuditAction.APPLICATION_APPROVED),
    (S.SUBMITTED, S.DECLINED): Move("schemes.decide_application", AuditAction.APPLICATION_DECLINED),
    (S.SUBMITTED, S.DEFERRED): Move("schemes.decide_application", AuditAction.APPLICATION_DEFERRED),
    (S.DEFERRED, S.APPROVED): Move("schemes.decide_application", AuditAction.APPLICATION_APPROVED),
    (S.DEFERRED, S.DECLINED): Move("schemes.decide_application", AuditAction.APPLICATION_DECLINED),
}


def _refused_message(current, to):
    return _("This application is %(status)s, so it cannot be %(action)s.") % {
        "status": current.get_status_display().lower(),
        "action": S(to).label.lower(),
    }


def transition_application(
    application, *, to, acting_user, note="", changes=None, details=None, mail=None
):
    """Move `application` to status `to`, recording who, when and why in one audit event.

    `changes` are further fields to set in the same save (e.g. submitted_at); `details` go
    in the audit event. `mail` is a function called once the transaction commits. Raises
    Refused for a move the table does not allow (including a repeat of a move just made)
    and PermissionDenied for a user who may not make it; either way nothing changes.
    """
    return transition(
        application,
        to=to,
        moves=TRANSITIONS,
        acting_user=acting_user,
        reason=str(note),
        changes=changes,
        details=details,
        mail=mail,
        refused_message=_refused_message,
        changed_message=_("This application changed while you were working on it."),
    )


def next_reference(round, organisation):
    """Return the next free reference for an organisation in a round, e.g. PS-2027-CAV-001."""
    prefix = f"PS-{round.reference_year}-{organisation.code}-"
    taken = Application.objects.filter(reference__startswith=prefix).values_list(
        "reference", flat=True
    )
    numbers = [int(ref.removeprefix(prefix)) for ref in taken if ref.removeprefix(prefix).isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def same_title(one, other):
    """Whether two scheme titles read the same: case and runs of spaces aside."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def same_titled_applications(*, round, organisation, title):
    """The organisation's live applications in `round` whose title reads as `title` does.

    Withdrawn ones are left out: starting again after withdrawing is what they are for.
    """
    candidates = Application.objects.filter(round=round, organisation=organisation).exclude(
        status=S.WITHDRAWN
    )
    return [
        application
        for application in candidates.order_by("reference")
        if same_title(application.title, title)
    ]


def application_start(*, round, title, acting_user, language=None):
    """Create a draft application for the acting applicant's organisation in `round`.

    It is written in `language` (en or cy; by default the applicant's recorded language).
    """
    if not can(acting_user, "schemes.start_application", round):
        raise PermissionDenied
    language = supported(language or acting_user.language) or ENGLISH
    for _attempt in range(5):
        try:
            with transaction.atomic():
                application = Application(
                    reference=next_reference(round, acting_user.organisation),
                    round=round,
                    organisation=acting_user.organisation,
                    title=title,
                    language=language,
                    created_by=acting_user,
                )
                application._history_user = acting_user
                application.save()
                audit_record(
                    AuditAction.APPLICATION_STARTED,
                    actor=acting_user,
                    obj=application,
                    to_state=application.status,
                    details={"language": application.language},
                )
                return application
        except IntegrityError:  # someone took that reference a moment ago: take the next
            continue
    raise Refused(_("The portal is busy. Try again in a moment."))


def application_change_language(application, *, language, expected_version, acting_user):
    """Write the draft `application` in `language` from now on; audited with before and after.

    Raises Refused for a language the portal lacks, once the application has been submitted
    (`schemes.change_application_language`) or when someone saved first. The declaration
    stands: the answers are what they were. Nothing happens if the language is unchanged.
    """
    if not supported(language):
        raise Refused(LANGUAGE_REQUIRED, errors={"language": LANGUAGE_REQUIRED})
    if not can(acting_user, "schemes.change_application_language", application):
        raise Refused(LANGUAGE_FIXED)
    if application.language == language:
        return application
    with transaction.atomic():
        with editing(
            application, expected_version=expected_version, acting_user=acting_user, declaring=True
        ) as fresh:
            before = fresh.language
            fresh.language = language
        audit_record(
            AuditAction.APPLICATION_LANGUAGE_CHANGED,
            actor=acting_user,
            obj=fresh,
            from_state=before,
            to_state=language,
        )
    return fresh


@dataclass(frozen=True)
class Problem:
    """Something that stops an application being submitted, and where to put it right."""

    message: str
    url: str


def submission_problems(application):
    """List what is missing or wrong before `application` can be submitted."""
    from schemes.domain.task_list import question_problems  # the same checks the forms make

    problems = []
    ref = application.reference
    answers = {answer.question_id: answer.text for answer in application.answers.all()}
    has_budget = application.budget_lines.exists()
    for question in application.round.question_set.questions_in_order():
        url = reverse("schemes:edit_section", args=[ref, question.section.number])
        for message in question_problems(question, application, answers, has_budget):
            problems.append(Problem(message, f"{url}#id_q{question.pk}"))
    if not has_budget:
        problems.append(
            Problem(_("Add at least one budget line"), reverse("schemes:budget", args=[ref]))
        )
    if application.round.frameworks.exists() and not application.components.exists():
        problems.append(
            Problem(
                _("Select at least one strategic component"),
                reverse("schemes:edit_components", args=[ref]),
            )
        )
    if not application.declaration_confirmed_at:
        problems.append(
            Problem(_("Confirm the declaration"), reverse("schemes:declaration", args=[ref]))
        )
    return problems


def _mail_organisation(application, template):
    """Email each active applicant of the application's organisation, in its language."""
    recipients = User.objects.filter(
        organisation=application.organisation, role=Role.APPLICANT, is_active=True
    ).order_by("email")
    for recipient in recipients:
        mail_queue(
            recipient=recipient,
            template=template,
            context={"application": application},
            language=application.language,
        )


def submission_deadline_passed(application, *, now=None):
    """Whether `application` is a draft whose organisation's deadline has passed.

    A return for clarification has no deadline: the board resubmits when it has answered.
    """
    return application.status == S.DRAFT and not application.round.accepts_submissions_from(
        application.organisation, at=now or timezone.now()
    )


def application_submit(application, *, acting_user, now=None):
    """Submit (or resubmit) a complete application before its deadline; email a receipt.

    Raises Refused with the reason if it is incomplete or late.
    """
    now = now or timezone.now()
    application = Application.objects.select_related("round", "organisation").get(pk=application.pk)
    if submission_deadline_passed(application, now=now):
        raise Refused(
            _("The deadline for this round has passed, so the application cannot be submitted.")
        )
    if submission_problems(application):
        raise Refused(_("The application is not complete."))
    return transition_application(
        application,
        to=S.SUBMITTED,
        acting_user=acting_user,
        note=_("Resubmitted after clarification") if application.status == S.CLARIFICATION else "",
        changes={"submitted_at": now},
        mail=lambda moved: _mail_organisation(moved, "schemes/email/submitted"),
    )


def application_return_for_clarification(application, *, message, acting_user):
    """Return a submitted application to its board with a message; email the board."""
    return transition_application(
        application,
        to=S.CLARIFICATION,
        acting_user=acting_user,
        note=message,
        changes={"clarification_request": message},
        mail=lambda moved: _mail_organisation(moved, "schemes/email/clarification"),
    )


def application_withdraw(application, *, reason, acting_user):
    """Withdraw an application that has not been decided, with the applicant's reason."""
    return transition_application(
        application,
        to=S.WITHDRAWN,
        acting_user=acting_user,
        note=reason,
        changes={"withdrawal_reason": reason},
    )


def application_confirm_declaration(application, *, expected_version, acting_user):
    """Record that the acting applicant confirmed the round's declaration; audit it."""
    with transaction.atomic():
        with editing(
            application, expected_version=expected_version, acting_user=acting_user, declaring=True
        ) as fresh:
            fresh.declaration_confirmed_by = acting_user
            fresh.declaration_confirmed_at = timezone.now()
        audit_record(AuditAction.APPLICATION_DECLARED, actor=acting_user, obj=fresh)
    return fresh


def extension_grant(*, round, organisation, until, reason, acting_user):
    """Give an organisation until `until` to submit in `round` (replacing any earlier one)."""
    if not can(acting_user, "schemes.grant_extension", round):
        raise PermissionDenied
    with transaction.atomic():
        extension, _created = DeadlineExtension.objects.update_or_create(
            round=round,
            organisation=organisation,
            defaults={"until": until, "reason": reason, "granted_by": acting_user},
        )
        audit_record(
            AuditAction.EXTENSION_GRANTED,
            actor=acting_user,
            obj=extension,
            reason=reason,
            details={"organisation": organisation.code, "until": until.isoformat()},
        )
    return extension


__all__ = [
    "QuestionKind",
    "TRANSITIONS",
    "Problem",
    "application_change_language",
    "application_confirm_declaration",
    "application_return_for_clarification",
    "application_start",
    "application_submit",
    "application_withdraw",
    "extension_grant",
    "submission_problems",
    "transition_application",
]
