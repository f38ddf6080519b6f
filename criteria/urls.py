from django.urls import path

from criteria import views

app_name = "criteria"

urlpatterns = [
    path("criteria/", views.criteria_set_list, name="criteria_set_list"),
    path(
        "criteria/<slug:code>/v<int:version>/",
        views.criteria_set_detail,
        name="criteria_set_detail",
    ),
]
