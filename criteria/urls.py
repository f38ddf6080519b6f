"""Every URL of home pages, panel review, ranking, feedback and round exports, in one place."""

from django.urls import path

from criteria.views import (
    appraisal_pdf,
    assignments,
    charts,
    committee,
    criteria_set_versions,
    criteria_sets,
    exports,
    feedback,
    home,
    packs,
    panel,
    ranking,
    reviews,
)

app_name = "criteria"

urlpatterns = [
    # Every role's home page
    path("", home.home, name="home"),
    # Criteria sets
    path("criteria/", criteria_sets.criteria_set_list, name="criteria_set_list"),
    path(
        "criteria/<slug:code>/v<int:version>/",
        criteria_sets.criteria_set_detail,
        name="criteria_set_detail",
    ),
    path(
        "criteria/<slug:code>/v<int:version>/copy/",
        criteria_set_versions.criteria_set_copy,
        name="criteria_set_copy",
    ),
    # Reviews: the reviewer's dashboard, scoring, conflicts; reopening by a manager
    path("reviews/", reviews.dashboard, name="review_dashboard"),
    path("reviews/<int:assignment_id>/", reviews.score, name="score"),
    path("reviews/<int:assignment_id>/panel/", reviews.panel_scores, name="panel_scores"),
    path(
        "reviews/<int:assignment_id>/conflict/", reviews.declare_conflict, name="declare_conflict"
    ),
    path(
        "reviews/<int:assignment_id>/attachments/<int:pk>/",
        reviews.review_attachment,
        name="review_attachment",
    ),
    path("panel/reviews/<int:review_id>/reopen/", reviews.reopen_review, name="reopen_review"),
    # Assigning reviewers
    path("rounds/<slug:code>/assignments/", assignments.assignments, name="assignments"),
    # The panel: score matrix, moderation, calibration
    path("applications/<str:reference>/scores/", panel.score_matrix, name="score_matrix"),
    path(
        "applications/<str:reference>/scores/<str:label>/moderate/",
        panel.moderate,
        name="moderate",
    ),
    path("rounds/<slug:code>/moderation/", panel.moderation_queue, name="moderation_queue"),
    path("rounds/<slug:code>/calibration/", panel.calibration, name="calibration"),
    # Ranking and feedback (released by a manager, read by the applicant)
    path("rounds/<slug:code>/ranking/", ranking.ranking, name="ranking"),
    path("rounds/<slug:code>/feedback/", feedback.release_feedback, name="release_feedback"),
    path("applications/<str:reference>/feedback/", feedback.feedback, name="feedback"),
    # Exports: appraisal summary, pack, committee paper, spreadsheets, charts
    path(
        "applications/<str:reference>/appraisal.pdf",
        appraisal_pdf.appraisal_pdf,
        name="appraisal_pdf",
    ),
    path("rounds/<slug:code>/pack/", packs.pack, name="pack"),
    path("rounds/<slug:code>/pack/<int:job_id>/", packs.pack_job, name="pack_job"),
    path(
        "rounds/<slug:code>/pack/<int:job_id>/download/",
        packs.pack_download,
        name="pack_download",
    ),
    path("rounds/<slug:code>/committee-paper/", committee.committee_paper, name="committee_paper"),
    path(
        "rounds/<slug:code>/committee-paper.pdf",
        committee.committee_paper_pdf,
        name="committee_paper_pdf",
    ),
    path("rounds/<slug:code>/export/", exports.round_export, name="round_export"),
    path(
        "rounds/<slug:code>/export/<str:fmt>/", exports.round_export_file, name="round_export_file"
    ),
    path("rounds/<slug:code>/charts/", charts.round_charts, name="round_charts"),
    path(
        "monitoring/export/<str:fmt>/",
        exports.programme_export_file,
        name="programme_export_file",
    ),
]
