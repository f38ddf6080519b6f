"""URLs for the score matrix, moderation and calibration, included from criteria/urls.py."""

from django.urls import path

from criteria.views import panel

urlpatterns = [
    path("applications/<str:reference>/scores/", panel.score_matrix, name="score_matrix"),
    path(
        "applications/<str:reference>/scores/<str:label>/moderate/",
        panel.moderate,
        name="moderate",
    ),
    path("rounds/<slug:code>/moderation/", panel.moderation_queue, name="moderation_queue"),
    path("rounds/<slug:code>/calibration/", panel.calibration, name="calibration"),
]
