"""URLs for a round's committee paper, included from criteria/urls.py."""

from django.urls import path

from criteria.views import committee

urlpatterns = [
    path("rounds/<slug:code>/committee-paper/", committee.committee_paper, name="committee_paper"),
    path(
        "rounds/<slug:code>/committee-paper.pdf",
        committee.committee_paper_pdf,
        name="committee_paper_pdf",
    ),
]
