"""URLs for a round's spreadsheet downloads, included from criteria/urls.py."""

from django.urls import path

from criteria.views import exports

urlpatterns = [
    path("rounds/<slug:code>/export/", exports.round_export, name="round_export"),
    path(
        "rounds/<slug:code>/export/<str:fmt>/", exports.round_export_file, name="round_export_file"
    ),
]
