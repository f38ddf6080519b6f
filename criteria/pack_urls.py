"""URLs for the round appraisal pack, included from criteria/urls.py."""

from django.urls import path

from criteria.views import packs

urlpatterns = [
    path("rounds/<slug:code>/pack/", packs.pack, name="pack"),
    path("rounds/<slug:code>/pack/<int:job_id>/", packs.pack_job, name="pack_job"),
    path(
        "rounds/<slug:code>/pack/<int:job_id>/download/",
        packs.pack_download,
        name="pack_download",
    ),
]
