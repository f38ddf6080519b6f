"""URLs for assigning reviewers, included from criteria/urls.py."""

from django.urls import path

from criteria.views import assignments

urlpatterns = [
    path("rounds/<slug:code>/assignments/", assignments.assignments, name="assignments"),
]
