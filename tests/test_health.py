"""The load balancer's health check: up, each failure, and what it never shows."""

import json

import boto3
import pytest
from django.db import OperationalError
from moto import mock_aws

from pacesetter import health

pytestmark = pytest.mark.django_db

UP = {"status": "ok", "database": "ok", "storage": "ok"}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def production(settings):
    """What production sets that could get in the way: the SSL redirect and a host list."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["pacesetter.example.org"]


@pytest.fixture
def object_store(settings, monkeypatch):
    """Return a function that makes the default storage a bucket, created or not."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():

        def use(*, created):
            if created:
                boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="pacesetter")
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {
                    "BACKEND": "storages.backends.s3.S3Storage",
                    "OPTIONS": {"bucket_name": "pacesetter", "region_name": "us-east-1"},
                },
            }

        yield use


def test_health_with_everything_reachable_is_ok(client, media_root):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == UP


def test_health_needs_no_sign_in_https_or_known_host(client, media_root, production):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")

    assert response.status_code == 200
    assert json.loads(response.content) == UP


def test_health_leaves_other_pages_to_the_ssl_redirect(client, media_root, production):
    response = client.get("/accessibility/", HTTP_HOST="pacesetter.example.org")

    assert response.status_code == 301
    assert response["Location"] == "https://pacesetter.example.org/accessibility/"


def test_health_with_the_database_down_is_unavailable(client, media_root, monkeypatch, caplog):
    def refused():
        raise OperationalError('connection to server at "db.internal" failed: password wrong')

    monkeypatch.setitem(health.CHECKS, "database", refused)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "unavailable",
        "storage": "ok",
    }
    assert b"db.internal" not in response.content
    assert [
        record.getMessage() for record in caplog.records if record.name == "pacesetter.health"
    ] == ["health check: the database is unavailable"]


def test_health_with_the_media_folder_unusable_is_unavailable(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker / "media"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "ok",
        "storage": "unavailable",
    }


def test_health_with_a_reachable_bucket_is_ok(client, object_store):
    object_store(created=True)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) == UP


def test_health_with_the_bucket_missing_is_unavailable(client, object_store):
    object_store(created=False)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "unavailable",
        "database": "ok",
        "storage": "unavailable",
    }


def test_health_answers_head_and_leaves_post_to_the_portal(client, media_root):
    head = client.head("/healthz")
    post = client.post("/healthz")

    assert head.status_code == 200
    assert post.status_code == 404
