"""URLs of an application's PDF downloads, included under /applications/<reference>/."""

from django.urls import path

from schemes.views import pdf

urlpatterns = [
    path("summary.pdf", pdf.application_pdf, name="application_pdf"),
]
