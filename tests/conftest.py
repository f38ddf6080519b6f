"""Shared test set-up: every test database holds the real reference and demo data."""

import os

import pytest
from django.test import override_settings

from criteria.demo import DEMO_PASSWORD, load_demo_data
from pacesetter.models import User

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load reference and demo data once; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        load_demo_data()


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Run background tasks at once, in the test, instead of waiting for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


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
