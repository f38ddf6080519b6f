"""The load balancer's health check: can this app server reach the database and the storage?

`GET /healthz` answers 200 with {"status": "ok", ...} or 503 with what is unreachable; the
body names no host, version or error (the log line has the error, with the request's id). It
is answered before sign-in, the SSL redirect and the host check, so a load balancer can ask
each app server by its address over plain HTTP, and it costs one `SELECT 1` and one listing of
the storage's top folder.
"""

import logging
import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import JsonResponse

PATH = "/healthz"
OK, UNAVAILABLE = "ok", "unavailable"

logger = logging.getLogger(__name__)


def database_reachable():
    """Run `SELECT 1` on the default database; raises if it cannot."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def storage_reachable():
    """Check the default storage can be used: a writable folder, or a bucket that lists."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        location = Path(storage.location)
        location.mkdir(parents=True, exist_ok=True)
        if not os.access(location, os.W_OK):
            raise PermissionError("the media folder is not writable")
        return
    storage.listdir("")


CHECKS = {"database": database_reachable, "storage": storage_reachable}


def health():
    """Return (HTTP status, body) of every check; logs each failure with its error."""
    body = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # whatever stops a check, the answer is "unavailable"
            logger.exception("health check: the %s is unavailable", name)
            # A broken persistent connection is dropped as the request ends (Django's
            # close_old_connections), so the next check connects anew.
            body[name] = UNAVAILABLE
        else:
            body[name] = OK
    healthy = all(value == OK for value in body.values())
    return (200 if healthy else 503), {"status": OK if healthy else UNAVAILABLE, **body}


class HealthCheckMiddleware:
    """Answer `GET`/`HEAD /healthz` itself; pass every other request on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        status, body = health()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
