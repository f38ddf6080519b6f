"""URLs for assignment pages, included from criteria/urls.py."""

urlpatterns = []
