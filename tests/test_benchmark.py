"""The benchmark measures every main page of a small synthetic programme."""

import gc
import json

import pytest
from django.test import Client

from criteria.demo.benchmark import Sizes, measure, signed_in_client
from pacesetter.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def garbage_collection_restored():
    """The benchmark settles its process as a web worker does; the test process is put back."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_benchmark_measures_every_main_page_on_a_small_programme():
    sizes = Sizes(
        applications=6,
        reviewers=4,
        rounds=2,
        budget_lines=2,
        pack_applications=2,
        learning_summaries=30,
    )

    figures = json.loads(json.dumps(measure(sizes, repeat=2)))

    assert figures["dataset"]["applications"] == 6
    assert figures["dataset"]["rounds"] == 2
    assert figures["dataset"]["scores"] == 6 * 3 * 14
    # The 30 made for the benchmark and the first programme's 21 historic entries.
    assert figures["dataset"]["published_learning_summaries"] == 30 + 21
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
        "programme_monitoring",
        "scheme_monitoring",
        "learning_search",
        "learning_search_theme",
        "learning_browse",
    }
    for name, page in figures["pages"].items():
        assert set(page) == {"path", "p50_ms", "p95_ms", "queries"}, name
        assert page["queries"] > 0, name


def test_benchmark_times_the_summary_and_the_pack_cold_and_warm(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    sizes = Sizes(
        applications=3,
        reviewers=3,
        rounds=1,
        budget_lines=2,
        pack_applications=2,
        learning_summaries=3,
    )

    pdf = measure(sizes, repeat=1)["pdf"]

    assert set(pdf) == {
        "application_summary_s",
        "pack_applications",
        "pack_pages",
        "pack_cold_s",
        "pack_warm_s",
        "pack_warm_share_of_cold",
        "pack_one_changed_s",
        "pack_one_changed_parts_rendered",
        "pack_s_per_page",
        "floor_s_per_page",
        "pack_over_floor",
        "floor_tagged_s_per_page",
        "content_s_per_page_one_core",
    }
    assert pdf["pack_applications"] == 2
    assert pdf["pack_pages"] > 2
    assert pdf["floor_s_per_page"] > 0
    assert pdf["floor_tagged_s_per_page"] > 0
    assert pdf["content_s_per_page_one_core"] > 0
    # Changing one answer re-renders that application's part and no other.
    assert pdf["pack_one_changed_parts_rendered"] == 1


def test_benchmark_signs_in_past_the_second_factor_as_production_requires(settings):
    settings.REQUIRE_TWO_FACTOR = True
    manager = User.objects.get(email="manager@example.org")
    password_only = Client()
    password_only.force_login(manager)

    assert password_only.get("/").status_code == 302
    assert signed_in_client(manager).get("/").status_code == 200
