"""URLs for criteria_set pages, included from criteria/urls.py."""

from django.urls import path

from criteria.views import criteria_set_versions

urlpatterns = [
    path(
        "criteria/<slug:code>/v<int:version>/copy/",
        criteria_set_versions.criteria_set_copy,
        name="criteria_set_copy",
    ),
]
