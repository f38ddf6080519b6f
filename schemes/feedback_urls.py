"""URLs for releasing a round's feedback, included from schemes/urls.py."""

from django.urls import path

from schemes.views import decisions

urlpatterns = [
    path("rounds/<slug:code>/feedback/", decisions.release_feedback, name="release_feedback"),
]
