"""URLs for review pages, included from criteria/urls.py."""

from django.urls import path

from criteria.views import reviews

urlpatterns = [
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
]
