"""URLs for the appraisal summary PDF, included from criteria/urls.py."""

from django.urls import path

from criteria.views import appraisal_pdf

urlpatterns = [
    path(
        "applications/<str:reference>/appraisal.pdf",
        appraisal_pdf.appraisal_pdf,
        name="appraisal_pdf",
    ),
]
