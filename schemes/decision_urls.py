"""URLs for recording a decision on an application, included from schemes/urls.py."""

from django.urls import path

from schemes.views import decisions

urlpatterns = [
    path("decision/", decisions.decide, name="decide"),
]
