"""URLs for criteria_set pages, included from criteria/urls.py."""

urlpatterns = []
