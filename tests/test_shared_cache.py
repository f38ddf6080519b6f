"""A round's figures kept in Redis, shared by every app server, and pages without Redis.

Uses the Redis at 127.0.0.1:6379 (database 13, a key prefix of the test's own), which CI's
machine runs; skipped where there is none.
"""

import socket
import uuid
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from criteria.domain.aggregation import round_scores, shown
from criteria.domain.ranking import round_requested
from schemes.models import Round
from tests.factories import BudgetLineFactory
from tests.factories.panel import hand_checked_panel

pytestmark = pytest.mark.django_db

REDIS = ("127.0.0.1", 6379)


def redis_running():
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


def redis_cache(location):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def panel():
    panel = hand_checked_panel()
    BudgetLineFactory(application=panel["application"], amount=Decimal("1000.00"))
    return panel


def figures(round):
    """(final total, amount requested) of the round's application, the queries it took."""
    round = Round.objects.get(pk=round.pk)
    with CaptureQueriesContext(connection) as queries:
        (score,) = round_scores(round).values()
        (requested,) = round_requested(round).values()
    return (shown(score.final_total), requested), len(queries)


@pytest.mark.skipif(not redis_running(), reason="no Redis at 127.0.0.1:6379")
def test_round_figures_kept_in_redis_are_the_worked_out_ones(panel, settings):
    settings.CACHES = redis_cache("redis://127.0.0.1:6379/13")
    round = panel["application"].round

    worked_out, queries_working_out = figures(round)
    kept, queries_kept = figures(round)
    # Another app server: its own client and connection, the same Redis.
    caches["default"].close()
    del caches["default"]
    elsewhere, queries_elsewhere = figures(round)

    assert worked_out == (Decimal("9.33"), Decimal("1000.00"))
    assert kept == elsewhere == worked_out
    assert (queries_kept, queries_elsewhere) == (0, 0)
    assert queries_working_out > 0
    caches["default"].clear()


def test_round_figures_without_a_reachable_cache_are_worked_out(panel, settings, caplog):
    # Nothing listens on port 1: the connection is refused at once.
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")
    round = panel["application"].round

    first, _queries = figures(round)
    again, queries_again = figures(round)

    assert first == again == (Decimal("9.33"), Decimal("1000.00"))
    assert queries_again > 0
    assert [
        record.getMessage()
        for record in caplog.records
        if record.name == "criteria.domain.round_figures"
    ] == ["round figures: the cache could not be read"] * 4
