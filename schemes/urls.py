from django.urls import path

from schemes import views

app_name = "schemes"

urlpatterns = [
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<slug:code>/", views.round_detail, name="round_detail"),
    path("applications/<str:reference>/", views.application_detail, name="application_detail"),
]
