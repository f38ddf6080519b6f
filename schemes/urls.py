from django.urls import include, path

from schemes.views import apply, browse

app_name = "schemes"

application_urls = [
    path("", browse.application_detail, name="application_detail"),
    path("apply/", apply.task_list, name="task_list"),
    path("apply/section/<int:number>/", apply.edit_section, name="edit_section"),
    path("apply/components/", apply.edit_components, name="edit_components"),
    path("apply/declaration/", apply.declaration, name="declaration"),
    path("apply/check/", apply.check_answers, name="check_answers"),
    path("apply/submit/", apply.submit, name="submit"),
    path("receipt/", apply.receipt, name="receipt"),
    path("withdraw/", apply.withdraw, name="withdraw"),
    path("clarification/", apply.request_clarification, name="request_clarification"),
    path("history/", apply.history, name="history"),
    path("", include("schemes.budget_urls")),
    path("", include("schemes.attachment_urls")),
    path("", include("schemes.decision_urls")),
    path("", include("schemes.pdf_urls")),
]

urlpatterns = [
    path("", include("schemes.round_urls")),
    path("rounds/", browse.round_list, name="round_list"),
    path("", include("schemes.feedback_urls")),
    path("rounds/<slug:code>/", browse.round_detail, name="round_detail"),
    path("rounds/<slug:code>/apply/", apply.start_application, name="start_application"),
    path("rounds/<slug:code>/extensions/", apply.extensions, name="extensions"),
    path("applications/<str:reference>/", include(application_urls)),
]
