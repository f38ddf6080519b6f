"""URLs for a round's ranking and an application's feedback, included from criteria/urls.py."""

from django.urls import path

from criteria.views import ranking

urlpatterns = [
    path("rounds/<slug:code>/ranking/", ranking.ranking, name="ranking"),
    path("applications/<str:reference>/feedback/", ranking.feedback, name="feedback"),
]
