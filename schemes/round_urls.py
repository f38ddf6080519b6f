"""URLs for setting up and running rounds, included from schemes/urls.py.

Included before the round pages, so that "rounds/new/" is not read as a round's code.
"""

from django.urls import path

from schemes.views import rounds

urlpatterns = [
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<slug:code>/copy/", rounds.round_copy, name="round_copy"),
    path("rounds/<slug:code>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<slug:code>/shares/", rounds.round_shares, name="round_shares"),
    path("rounds/<slug:code>/open/", rounds.round_open, name="round_open"),
    path("rounds/<slug:code>/close/", rounds.round_close, name="round_close"),
]
