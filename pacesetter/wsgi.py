"""WSGI entry point: `gunicorn pacesetter.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pacesetter.settings")

application = get_wsgi_application()
# Load the URL conf now rather than on the first request, then settle the process.
get_resolver().url_patterns  # noqa: B018 - the attribute loads the URL conf

from pacesetter.process import settle_after_loading  # noqa: E402 - after Django is set up

settle_after_loading()
