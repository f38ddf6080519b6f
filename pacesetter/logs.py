"""A request id on every log line of a request, and on the response.

The proxy in front of the app servers names each request in `X-Request-ID`; the id is kept
when it is short and plain (letters, digits, `.`, `_`, `:` and `-`, at most 128), else a new
one is made, so a client cannot write what it likes into the logs. The id goes back on the
response, so a person's report of a failed page can be matched to its log lines on whichever
app server served it.
"""

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
# What a proxy's id looks like: a UUID, nginx's $request_id (32 hex digits), an AWS trace id.
ACCEPTED = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# Outside a request (the worker, a command) log lines carry this instead.
NO_REQUEST = "-"

request_id = contextvars.ContextVar("request_id", default=NO_REQUEST)


def id_for(header_value):
    """Return the proxy's id when it is acceptable, else a new random one."""
    if header_value and ACCEPTED.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each request an id: on `request.id`, the response header and its log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = id_for(request.headers.get(HEADER))
        token = request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Put the id of the request being served (or "-") on every record as `request_id`."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True
