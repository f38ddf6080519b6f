"""URLs for a round's charts, included from criteria/urls.py."""

from django.urls import path

from criteria.views import charts

urlpatterns = [
    path("rounds/<slug:code>/charts/", charts.round_charts, name="round_charts"),
]
