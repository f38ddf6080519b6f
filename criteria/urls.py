from django.urls import include, path

from criteria.views import criteria_sets

app_name = "criteria"

urlpatterns = [
    path("criteria/", criteria_sets.criteria_set_list, name="criteria_set_list"),
    path(
        "criteria/<slug:code>/v<int:version>/",
        criteria_sets.criteria_set_detail,
        name="criteria_set_detail",
    ),
    path("", include("criteria.criteria_set_urls")),
    path("", include("criteria.review_urls")),
    path("", include("criteria.assignment_urls")),
    path("", include("criteria.appraisal_urls")),
    path("", include("criteria.pack_urls")),
    path("", include("criteria.ranking_urls")),
    path("", include("criteria.panel_urls")),
    path("", include("criteria.export_urls")),
    path("", include("criteria.chart_urls")),
    path("", include("criteria.committee_urls")),
]
