"""Shared test set-up: every test database holds the real reference and demo data."""

import os

import hypothesis
import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation

from criteria.demo import DEMO_PASSWORD, load_demo_data
from pacesetter.models import User

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# A deadline per example is a wall-clock assertion: on a shared two-core machine running two
# test workers it fails an example for being slow, not wrong (benchmarks measure speed).
hypothesis.settings.register_profile("portal", deadline=None)
hypothesis.settings.load_profile("portal")


@pytest.fixture(scope="session", autouse=True)
def session_settings(tmp_path_factory):
    """Set what every test, and the demo data's load, runs under, once per test process.

    A fast password hasher; no second factor required; files (uploads, packs, the pack
    cache) in this process's own temporary folder, never the repository's media/ nor another
    xdist worker's. A test may still override any.
    """
    with override_settings(
        PASSWORD_HASHERS=FAST_HASHERS,
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        # Most tests sign in as the demo users do; the two-factor tests turn it on.
        REQUIRE_TWO_FACTOR=False,
    ):
        yield


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Run background tasks at once, in the test, instead of waiting for a worker.

    Per test, not per process: the demo data is loaded with the tasks it queues left queued.
    """
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def english_after_each_test():
    """Start each test in English: a request may leave the thread in its page's language
    (Django's LocaleMiddleware activates a language and leaves it), and translated columns
    are then queried in it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, session_settings):
    """Load reference and demo data once per test process into its own test database.

    Each test then runs in a rolled-back transaction. Under xdist each worker has its own
    database (pytest-django adds _gw0, _gw1 to the name on PostgreSQL; SQLite's is in memory).
    """
    with django_db_blocker.unblock():
        load_demo_data()


@pytest.fixture
def demo_user(db):
    """Return a function that gives the demo user with an email address."""

    def get(email):
        return User.objects.get(email=email)

    return get


@pytest.fixture
def signed_in(client, demo_user):
    """Return a function that signs the test client in as a demo user."""

    def sign_in(email):
        user = demo_user(email)
        client.force_login(user)
        return client

    return sign_in


__all__ = ["DEMO_PASSWORD"]
