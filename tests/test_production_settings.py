"""Production settings as the environment makes them, read in a fresh interpreter."""

import json
import os
import subprocess
import sys

from django.conf import settings as django_settings

REPORT = """
import json, django
from django.conf import settings
django.setup()
from django.template import engines
print(json.dumps({
    "storage": settings.STORAGES["default"],
    "cache": settings.CACHES["default"],
    "log_format": settings.LOG_FORMAT,
    "handler_formatter": settings.LOGGING["handlers"]["console"]["formatter"],
    "loaders": [type(loader).__module__ for loader in
                engines["django"].engine.template_loaders],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "conn_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "session_engine": settings.SESSION_ENGINE,
}, default=str))
"""

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 60,
    "ALLOWED_HOSTS": "pacesetter.example.org",
}


def production_settings(**environment):
    """Return what the settings module makes of `environment` on top of production's."""
    keep = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "REDIS_", "LOG_", "CONN_", "DEBUG", "DATABASE_URL"))
    }
    completed = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REPORT],
        env={
            **keep,
            "DJANGO_SETTINGS_MODULE": "pacesetter.settings",
            **PRODUCTION,
            **environment,
        },
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        check=True,
        text=True,
    )
    return json.loads(completed.stdout)


def test_production_without_a_bucket_or_redis_keeps_files_and_cache_local():
    found = production_settings()

    assert found["storage"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert found["cache"] == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_production_logs_json_lines_and_development_plain_text():
    assert production_settings()["handler_formatter"] == "json"
    assert production_settings(DEBUG="true")["handler_formatter"] == "text"
    assert production_settings(LOG_FORMAT="text")["handler_formatter"] == "text"


def test_production_with_a_bucket_stores_files_privately_in_it():
    found = production_settings(
        AWS_STORAGE_BUCKET_NAME="pacesetter-files",
        AWS_S3_ENDPOINT_URL="https://objects.example.org",
        AWS_S3_REGION_NAME="eu-west-2",
    )

    assert found["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    options = found["storage"]["OPTIONS"]
    assert (
        options["bucket_name"],
        options["endpoint_url"],
        options["region_name"],
        options["default_acl"],
        options["querystring_auth"],
        options["querystring_expire"],
    ) == ("pacesetter-files", "https://objects.example.org", "eu-west-2", "private", True, 300)


def test_production_with_a_bucket_whose_acls_are_disabled_sends_no_acl():
    found = production_settings(AWS_STORAGE_BUCKET_NAME="pacesetter-files", AWS_DEFAULT_ACL="")

    assert found["storage"]["OPTIONS"]["default_acl"] is None


def test_production_with_redis_shares_the_cache():
    found = production_settings(REDIS_URL="redis://cache.internal:6379/2")

    assert found["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert found["cache"]["LOCATION"] == "redis://cache.internal:6379/2"


def test_production_caches_templates_keeps_connections_and_sessions_in_the_database():
    found = production_settings(DATABASE_URL="postgres://portal@db.internal:5432/pacesetter")

    assert found["loaders"] == ["django.template.loaders.cached"]
    assert (found["conn_max_age"], found["conn_health_checks"]) == (60, True)
    assert found["session_engine"] == "django.contrib.sessions.backends.db"
