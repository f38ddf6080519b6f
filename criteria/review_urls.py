"""URLs for review pages, included from criteria/urls.py."""

urlpatterns = []
