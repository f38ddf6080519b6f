"""Choices shared across the portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Health board lead (applicant)")
    REVIEWER = "reviewer", _("Panel reviewer")
    PROGRAMME_MANAGER = "programme_manager", _("Programme manager")


class OrganisationKind(models.TextChoices):
    HEALTH_BOARD = "health_board", _("Health board")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other body")


class AuditAction(models.TextChoices):
    """What an audit event records. "<kind of record>.<what happened>"; the label is shown."""

    # Applications
    APPLICATION_STARTED = "application.started", _("Application started")
    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    APPLICATION_RESUBMITTED = "application.resubmitted", _("Application resubmitted")
    APPLICATION_RETURNED = "application.returned", _("Returned for clarification")
    APPLICATION_WITHDRAWN = "application.withdrawn", _("Application withdrawn")
    APPLICATION_DECLARED = "application.declared", _("Declaration confirmed")
    APPLICATION_LANGUAGE_CHANGED = "application.language_changed", _("Application language changed")
    APPLICATION_APPROVED = "application.approved", _("Application approved")
    APPLICATION_DECLINED = "application.declined", _("Application declined")
    APPLICATION_DEFERRED = "application.deferred", _("Decision deferred")
    EXTENSION_GRANTED = "extension.granted", _("Deadline extension granted")
    # Rounds
    ROUND_CREATED = "round.created", _("Round set up")
    ROUND_CHANGED = "round.changed", _("Round details changed")
    ROUND_OPENED = "round.opened", _("Round opened")
    ROUND_CLOSED = "round.closed", _("Round closed")
    ROUND_REVIEW_STARTED = "round.review_started", _("Round moved into review")
    ROUND_DECIDED = "round.decided", _("Round decided")
    ROUND_ARCHIVED = "round.archived", _("Round archived")
    FEEDBACK_RELEASED = "round.feedback_released", _("Feedback released")
    # Panel review
    ASSIGNMENT_MADE = "assignment.made", _("Reviewer assigned")
    ASSIGNMENT_WITHDRAWN = "assignment.withdrawn", _("Assignment withdrawn")
    CONFLICT_DECLARED = "conflict.declared", _("Conflict of interest declared")
    REVIEW_SUBMITTED = "review.submitted", _("Review submitted")
    REVIEW_REOPENED = "review.reopened", _("Review reopened")
    MODERATION_RECORDED = "moderation.recorded", _("Moderated score recorded")
    # Monitoring (after funding)
    AGREEMENT_CREATED = "agreement.created", _("Delivery agreement set up")
    AGREEMENT_CHANGED = "agreement.changed", _("Delivery agreement changed")
    AGREEMENT_SENT = "agreement.sent", _("Delivery agreement sent for acceptance")
    AGREEMENT_REOPENED = "agreement.reopened", _("Delivery agreement reopened for changes")
    AGREEMENT_ACCEPTED = "agreement.accepted", _("Delivery agreement accepted")
    MEASURE_ADDED = "measure.added", _("Evaluation measure added")
    MEASURE_CHANGED = "measure.changed", _("Evaluation measure changed")
    MEASURE_REMOVED = "measure.removed", _("Evaluation measure removed")
    VARIATION_PROPOSED = "variation.proposed", _("Variation proposed")
    VARIATION_APPROVED = "variation.approved", _("Variation approved")
    VARIATION_REFUSED = "variation.refused", _("Variation refused")
    REPORT_STARTED = "report.started", _("Quarterly report started")
    REPORT_SAVED = "report.saved", _("Quarterly report saved")
    REPORT_SUBMITTED = "report.submitted", _("Quarterly report submitted")
    REPORT_RESUBMITTED = "report.resubmitted", _("Quarterly report resubmitted")
    REPORT_ACCEPTED = "report.accepted", _("Quarterly report accepted")
    REPORT_RETURNED = "report.returned", _("Quarterly report returned")
    REMINDER_SENT = "report.reminder_sent", _("Report reminder sent")
    # Learning summaries
    LEARNING_STARTED = "learning.started", _("Learning summary started")
    LEARNING_SAVED = "learning.saved", _("Learning summary saved")
    LEARNING_SUBMITTED = "learning.submitted", _("Learning summary submitted")
    LEARNING_RESUBMITTED = "learning.resubmitted", _("Learning summary resubmitted")
    LEARNING_PUBLISHED = "learning.published", _("Learning summary published")
    LEARNING_RETURNED = "learning.returned", _("Learning summary returned")
    # Exports of personal data
    EXPORT_PACK = "export.pack", _("Appraisal pack made")
    EXPORT_SPREADSHEET = "export.spreadsheet", _("Spreadsheet downloaded")
    EXPORT_COMMITTEE_PAPER = "export.committee_paper", _("Committee paper downloaded")
    EXPORT_AUDIT_LOG = "export.audit_log", _("Audit log downloaded")
    EXPORT_MONITORING = "export.monitoring", _("Monitoring export made")
    EXPORT_LEARNING_DIGEST = "export.learning_digest", _("Learning digest downloaded")
    # Signing in
    SIGN_IN = "account.signed_in", _("Signed in")
    SIGN_IN_FAILED = "account.sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "account.signed_out", _("Signed out")
    SIGN_IN_LOCKED_OUT = "account.locked_out", _("Sign-in locked after repeated failures")
    SIGN_IN_UNLOCKED = "account.unlocked", _("Sign-in lock lifted")
    TWO_FACTOR_SET_UP = "account.two_factor_set_up", _("Authenticator app set up")
    RECOVERY_CODES_MADE = "account.recovery_codes_made", _("New recovery codes made")
    TWO_FACTOR_RESET = "account.two_factor_reset", _("Second factor reset")
    LANGUAGE_CHANGED = "account.language_changed", _("Language changed")
    # People and invitations
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    INVITATION_RESENT = "invitation.resent", _("Invitation sent again")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    INVITATION_RENEWAL_REQUESTED = "invitation.renewal_requested", _("New invitation asked for")
    PERSON_ROLE_CHANGED = "person.role_changed", _("Role changed")
    PERSON_ORGANISATION_CHANGED = "person.organisation_changed", _("Organisation changed")
    PERSON_DEACTIVATED = "person.deactivated", _("Person deactivated")
    PERSON_REACTIVATED = "person.reactivated", _("Person reactivated")
    # Edits made in the Django admin
    ADMIN_ADDED = "admin.added", _("Added in the admin")
    ADMIN_CHANGED = "admin.changed", _("Changed in the admin")
    ADMIN_DELETED = "admin.deleted", _("Deleted in the admin")
