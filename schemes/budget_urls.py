"""URLs of the budget task of an application, included under /applications/<reference>/."""

from django.urls import path

from schemes.views import budget

urlpatterns = [
    path("apply/budget/", budget.budget, name="budget"),
    path("apply/budget/lines/add/", budget.add_budget_line, name="add_budget_line"),
    path("apply/budget/lines/<int:pk>/", budget.edit_budget_line, name="edit_budget_line"),
    path(
        "apply/budget/lines/<int:pk>/remove/",
        budget.remove_budget_line,
        name="remove_budget_line",
    ),
    path("apply/budget/lines/<int:pk>/move/", budget.move_budget_line, name="move_budget_line"),
    path(
        "apply/budget/other-funding/add/",
        budget.add_other_funding,
        name="add_other_funding",
    ),
    path(
        "apply/budget/other-funding/<int:pk>/",
        budget.edit_other_funding,
        name="edit_other_funding",
    ),
    path(
        "apply/budget/other-funding/<int:pk>/remove/",
        budget.remove_other_funding,
        name="remove_other_funding",
    ),
]
