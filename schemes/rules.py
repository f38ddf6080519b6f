"""Who may see what among rounds and applications.

Each permission here has a twin scoped queryset (`Round.objects.visible_to`,
`Application.objects.visible_to`); the tests check that the two agree for every role.
"""

import rules

from pacesetter.rules import is_applicant, is_programme_manager
from schemes.enums import (
    EDITABLE_STATUSES,
    LEARNING_EDITABLE_STATUSES,
    REPORT_EDITABLE_STATUSES,
    ApplicationStatus,
    LearningStatus,
    RoundState,
)


@rules.predicate
def belongs_to_applying_organisation(user, application):
    return bool(
        application is not None
        and user.organisation_id is not None
        and user.organisation_id == application.organisation_id
    )


@rules.predicate
def round_is_published(user, round):
    return round is not None and round.state != RoundState.DRAFT


@rules.predicate
def application_is_editable(user, application):
    return application is not None and application.status in EDITABLE_STATUSES


@rules.predicate
def application_is_draft(user, application):
    return application is not None and application.status == ApplicationStatus.DRAFT


@rules.predicate
def round_accepts_new_applications(user, round):
    return (
        round is not None
        and user.organisation_id is not None
        and round.accepts_submissions_from(user.organisation)
    )


can_edit_application = is_applicant & belongs_to_applying_organisation & application_is_editable
can_start_application = is_applicant & round_accepts_new_applications
# The language is the applicant's to choose until the application is first submitted.
can_change_application_language = can_edit_application & application_is_draft
can_withdraw_application = is_applicant & belongs_to_applying_organisation
can_manage_applications = is_programme_manager

can_view_application = is_programme_manager | (is_applicant & belongs_to_applying_organisation)
can_view_round = rules.is_authenticated & (is_programme_manager | round_is_published)

rules.add_perm("schemes.view_application", can_view_application)
rules.add_perm("schemes.view_round", can_view_round)
rules.add_perm("schemes.edit_application", can_edit_application)
rules.add_perm("schemes.start_application", can_start_application)
rules.add_perm("schemes.change_application_language", can_change_application_language)
rules.add_perm("schemes.withdraw_application", can_withdraw_application)
rules.add_perm("schemes.return_application", can_manage_applications)
rules.add_perm("schemes.view_application_history", can_manage_applications)
rules.add_perm("schemes.grant_extension", can_manage_applications)
rules.add_perm("schemes.manage_round", is_programme_manager)
# Which reference content lacks its Welsh or its English: Welsh Government's to put right.
can_view_translation_status = is_programme_manager
rules.add_perm("schemes.view_translation_status", can_view_translation_status)
rules.add_perm("schemes.decide_application", is_programme_manager)

# Attachments: the object is the application the attachment belongs to. Assigned reviewers
# download through their own review page (`criteria:review_attachment`).
can_download_attachment = is_programme_manager | (is_applicant & belongs_to_applying_organisation)
rules.add_perm("schemes.download_attachment", can_download_attachment)

# Monitoring. The object is a delivery agreement or a quarterly report: both know the
# organisation of their application (`organisation_id`). The health board lead is the
# applicant role of that board; reviewers see no monitoring at all.


@rules.predicate
def belongs_to_monitored_board(user, record):
    return bool(
        record is not None
        and user.organisation_id is not None
        and user.organisation_id == record.organisation_id
    )


@rules.predicate
def report_is_editable(user, report):
    return report is not None and report.status in REPORT_EDITABLE_STATUSES


is_monitored_board_lead = is_applicant & belongs_to_monitored_board
can_view_monitoring = is_programme_manager | is_monitored_board_lead

rules.add_perm("schemes.view_agreement", can_view_monitoring)
rules.add_perm("schemes.manage_agreement", is_programme_manager)
rules.add_perm("schemes.accept_agreement", is_monitored_board_lead)
rules.add_perm("schemes.propose_variation", can_view_monitoring)
rules.add_perm("schemes.decide_variation", is_programme_manager)
rules.add_perm("schemes.view_report", can_view_monitoring)
rules.add_perm("schemes.start_report", is_monitored_board_lead)
rules.add_perm("schemes.edit_report", is_monitored_board_lead & report_is_editable)
rules.add_perm("schemes.review_report", is_programme_manager)
rules.add_perm("schemes.view_programme_monitoring", is_programme_manager)

# Learning summaries. The object is a LearningSummary (or, to start one, an application with
# a delivery agreement). Published summaries are for every signed-in user; an unpublished
# one only for its own board and Welsh Government. Historic entries have no board lead.


@rules.predicate
def summary_is_published(user, summary):
    return summary is not None and summary.status == LearningStatus.PUBLISHED


@rules.predicate
def belongs_to_summarys_board(user, summary):
    return bool(
        summary is not None
        and summary.application_id is not None
        and user.organisation_id is not None
        and user.organisation_id == summary.application.organisation_id
    )


@rules.predicate
def summary_is_editable(user, summary):
    return summary is not None and summary.status in LEARNING_EDITABLE_STATUSES


@rules.predicate
def application_has_agreement(user, application):
    return application is not None and hasattr(application, "delivery_agreement")


is_summarys_board_lead = is_applicant & belongs_to_summarys_board
can_view_learning = rules.is_authenticated & (
    is_programme_manager | summary_is_published | is_summarys_board_lead
)

rules.add_perm("schemes.view_learning_library", rules.is_authenticated)
rules.add_perm("schemes.view_learning", can_view_learning)
rules.add_perm(
    "schemes.start_learning",
    is_applicant & belongs_to_applying_organisation & application_has_agreement,
)
rules.add_perm("schemes.edit_learning", is_summarys_board_lead & summary_is_editable)
rules.add_perm("schemes.edit_learning_published", is_summarys_board_lead & summary_is_published)
rules.add_perm("schemes.review_learning", is_programme_manager)
