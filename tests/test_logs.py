"""Request ids on responses and log lines, and the JSON log format production uses."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import RequestFactory

from pacesetter.logs import RequestIdFilter, RequestIdMiddleware

A_NEW_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines():
    """Log through the settings' JSON formatter and request-id filter into a buffer."""
    buffer = io.StringIO()
    configurator = logging.config.DictConfigurator({})
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(
        configurator.configure_formatter(dict(django_settings.LOGGING["formatters"]["json"]))
    )
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("pacesetter.test_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logger.removeHandler(handler)


def serve(header=None, view=None):
    """Pass a request (with `X-Request-ID: header` if given) through the middleware."""
    headers = {} if header is None else {"X-Request-ID": header}
    request = RequestFactory().get("/rounds/", headers=headers)
    middleware = RequestIdMiddleware(view or (lambda request: HttpResponse("page")))
    return request, middleware(request)


def test_request_id_from_the_proxy_is_kept_on_the_response():
    request, response = serve("7f3c9a2e-0b1d-4c55-9e61-2f0a8d4b1c77")

    assert request.id == "7f3c9a2e-0b1d-4c55-9e61-2f0a8d4b1c77"
    assert response["X-Request-ID"] == "7f3c9a2e-0b1d-4c55-9e61-2f0a8d4b1c77"


def test_request_id_missing_is_made():
    request, response = serve()

    assert A_NEW_ID.fullmatch(response["X-Request-ID"])
    assert response["X-Request-ID"] == request.id


@pytest.mark.parametrize(
    "header",
    [
        "",
        "x" * 129,
        "abc def",
        'abc"}{"level":"CRITICAL',
        "abc\u00e9",
        "../../etc/passwd\n",
    ],
)
def test_request_id_too_long_or_unsafe_is_replaced(header):
    _request, response = serve(header)

    assert A_NEW_ID.fullmatch(response["X-Request-ID"])


def test_request_id_of_the_longest_plain_kind_is_kept():
    _request, response = serve("a.B_9:-" * 18 + "ab")

    assert response["X-Request-ID"] == "a.B_9:-" * 18 + "ab"


def test_every_log_line_of_a_request_carries_its_id_as_json(json_lines):
    logger = logging.getLogger("pacesetter.test_logs")

    def view(request):
        logger.info("one %s", "thing")
        logger.warning("another")
        return HttpResponse("page")

    serve("req-42", view)
    logger.info("after the request")

    lines = json_lines()
    assert [
        (line["level"], line["logger"], line["request_id"], line["message"]) for line in lines
    ] == [
        ("INFO", "pacesetter.test_logs", "req-42", "one thing"),
        ("WARNING", "pacesetter.test_logs", "req-42", "another"),
        ("INFO", "pacesetter.test_logs", "-", "after the request"),
    ]
    assert sorted(lines[0]) == ["level", "logger", "message", "request_id", "time"]


def test_log_line_of_an_exception_carries_the_traceback_in_one_json_line(json_lines):
    logger = logging.getLogger("pacesetter.test_logs")

    def view(request):
        try:
            raise ValueError("broken")
        except ValueError:
            logger.exception("the page failed")
        return HttpResponse("page")

    serve("req-43", view)

    (line,) = json_lines()
    assert (line["request_id"], line["message"]) == ("req-43", "the page failed")
    assert line["exc_info"].endswith("ValueError: broken")


@pytest.mark.django_db
def test_request_id_is_on_every_portal_response(client):
    response = client.get("/accessibility/", headers={"X-Request-ID": "from-the-proxy"})

    assert response.status_code == 200
    assert response["X-Request-ID"] == "from-the-proxy"
