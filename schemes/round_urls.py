"""URLs for setting up and running rounds, included from schemes/urls.py."""

urlpatterns = []
