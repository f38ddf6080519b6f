"""The benchmark measures every main page of a small synthetic programme."""

import json

import pytest

from pacesetter.benchmark import Sizes, measure

pytestmark = pytest.mark.django_db


def test_benchmark_measures_every_main_page_on_a_small_programme():
    sizes = Sizes(applications=6, reviewers=4, rounds=2, budget_lines=2)

    figures = json.loads(json.dumps(measure(sizes, repeat=2)))

    assert figures["dataset"]["applications"] == 6
    assert figures["dataset"]["rounds"] == 2
    assert figures["dataset"]["scores"] == 6 * 3 * 14
    assert set(figures["pages"]) == {
        "home_programme_manager",
        "home_applicant",
        "round_list",
        "round_detail",
        "application_detail",
        "reviewer_dashboard",
        "scoring_page",
        "assignments",
        "score_matrix",
        "ranking",
    }
    for name, page in figures["pages"].items():
        assert set(page) == {"path", "p50_ms", "p95_ms", "queries"}, name
        assert page["queries"] > 0, name
