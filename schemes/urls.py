"""Every URL of rounds and applications, in one place."""

from django.urls import include, path

from schemes.views import (
    agreements,
    apply,
    attachments,
    browse,
    budget,
    decisions,
    learning,
    pdf,
    programme,
    reports,
    rounds,
    timeline,
    translation_status,
)

app_name = "schemes"

application_urls = [
    path("", browse.application_detail, name="application_detail"),
    # The applicant's task list and its sections
    path("apply/", apply.task_list, name="task_list"),
    path("apply/language/", apply.change_language, name="change_language"),
    path("apply/section/<int:number>/", apply.edit_section, name="edit_section"),
    path("apply/components/", apply.edit_components, name="edit_components"),
    path("apply/declaration/", apply.declaration, name="declaration"),
    path("apply/check/", apply.check_answers, name="check_answers"),
    path("apply/submit/", apply.submit, name="submit"),
    path("receipt/", apply.receipt, name="receipt"),
    path("withdraw/", apply.withdraw, name="withdraw"),
    path("clarification/", apply.request_clarification, name="request_clarification"),
    path("history/", apply.history, name="history"),
    path("timeline/", timeline.application_timeline, name="application_timeline"),
    # Budget
    path("apply/budget/", budget.budget, name="budget"),
    path("apply/budget/lines/add/", budget.add_budget_line, name="add_budget_line"),
    path("apply/budget/lines/<int:pk>/", budget.edit_budget_line, name="edit_budget_line"),
    path(
        "apply/budget/lines/<int:pk>/remove/",
        budget.remove_budget_line,
        name="remove_budget_line",
    ),
    path("apply/budget/lines/<int:pk>/move/", budget.move_budget_line, name="move_budget_line"),
    path("apply/budget/other-funding/add/", budget.add_other_funding, name="add_other_funding"),
    path(
        "apply/budget/other-funding/<int:pk>/",
        budget.edit_other_funding,
        name="edit_other_funding",
    ),
    path(
        "apply/budget/other-funding/<int:pk>/remove/",
        budget.remove_other_funding,
        name="remove_other_funding",
    ),
    # Attachments
    path("apply/attachments/", attachments.attachments, name="attachments"),
    path(
        "apply/attachments/<int:pk>/remove/",
        attachments.remove_attachment,
        name="remove_attachment",
    ),
    path("attachments/<int:pk>/", attachments.attachment_download, name="attachment_download"),
    # Decision and PDF
    path("decision/", decisions.decide, name="decide"),
    path("summary.pdf", pdf.application_pdf, name="application_pdf"),
    # The scheme's learning summary: its page, or the lead starts it
    path("learning/", learning.learning_start, name="learning_start"),
    # Monitoring after funding: the delivery agreement, its variations and quarterly reports
    path("agreement/", agreements.agreement_detail, name="agreement_detail"),
    path("agreement/set-up/", agreements.agreement_create, name="agreement_create"),
    path("agreement/details/", agreements.agreement_edit, name="agreement_edit"),
    path("agreement/milestones/", agreements.agreement_milestones, name="agreement_milestones"),
    path("agreement/profile/", agreements.agreement_profile, name="agreement_profile"),
    path("agreement/measures/add/", agreements.measure_edit, name="measure_add"),
    path("agreement/measures/<int:pk>/", agreements.measure_edit, name="measure_edit"),
    path("agreement/measures/<int:pk>/remove/", agreements.measure_remove, name="measure_remove"),
    path("agreement/send/", agreements.agreement_send, name="agreement_send"),
    path("agreement/accept/", agreements.agreement_accept, name="agreement_accept"),
    path("agreement/variations/new/", agreements.variation_propose, name="variation_propose"),
    path("agreement/variations/<int:pk>/", agreements.variation_detail, name="variation_detail"),
    path("reports/<str:start>/", reports.report_detail, name="report_detail"),
    path("reports/<str:start>/start/", reports.report_start, name="report_start"),
    path("reports/<str:start>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<str:start>/check/", reports.report_check, name="report_check"),
    path("reports/<str:start>/review/", reports.report_review, name="report_review"),
    path(
        "reports/<str:start>/versions/<int:number>/",
        reports.report_version,
        name="report_version",
    ),
]

urlpatterns = [
    # Setting up and running rounds: before the round pages, so "rounds/new/" is not a code.
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<slug:code>/copy/", rounds.round_copy, name="round_copy"),
    path("rounds/<slug:code>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<slug:code>/shares/", rounds.round_shares, name="round_shares"),
    path("rounds/<slug:code>/open/", rounds.round_open, name="round_open"),
    path("rounds/<slug:code>/close/", rounds.round_close, name="round_close"),
    # Reference content lacking its Welsh or its English
    path("translations/", translation_status.translation_status, name="translation_status"),
    path("rounds/", browse.round_list, name="round_list"),
    path("rounds/<slug:code>/", browse.round_detail, name="round_detail"),
    path("rounds/<slug:code>/form/", browse.round_form, name="round_form"),
    path("rounds/<slug:code>/apply/", apply.start_application, name="start_application"),
    path("rounds/<slug:code>/extensions/", apply.extensions, name="extensions"),
    path("rounds/<slug:code>/timeline/", timeline.round_timeline, name="round_timeline"),
    path("applications/<str:reference>/", include(application_urls)),
    # Monitoring across the programme: before a scheme's page, so "overview/" is not a reference.
    path("monitoring/", programme.programme, name="programme"),
    path("monitoring/overview/", programme.programme_overview, name="programme_overview"),
    path(
        "monitoring/overview.pdf", programme.programme_overview_pdf, name="programme_overview_pdf"
    ),
    path("monitoring/<str:reference>/", programme.scheme_page, name="scheme_monitoring"),
    path("monitoring/<str:reference>/summary.pdf", programme.scheme_pdf, name="scheme_pdf"),
    # The learning library: every board's published summaries
    path("learning/", learning.library, name="learning_library"),
    path("learning/library.csv", learning.library_csv, name="learning_library_csv"),
    path("learning/library.xlsx", learning.library_xlsx, name="learning_library_xlsx"),
    path("learning/digest.pdf", learning.library_digest, name="learning_digest"),
    path("learning/<int:pk>/", learning.learning_detail, name="learning_detail"),
    path("learning/<int:pk>/edit/", learning.learning_edit, name="learning_edit"),
    path("learning/<int:pk>/review/", learning.learning_review, name="learning_review"),
    path("learning/<int:pk>/reopen/", learning.learning_reopen, name="learning_reopen"),
]
