"""Uploads Django cannot read: a form error on the next page instead of a bare 400.

Django's multipart parser refuses a part whose headers pass 1,024 bytes, so a file with a name
of a thousand characters or so stops the request before any form sees it: the CSRF check
reads the body first and the parser's error becomes "Bad Request (400)". This middleware
reads the body before that check; when it cannot be read, it notes that in the session and
sends the person back to the page, where the upload's form shows the error.
"""

from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect

UPLOAD_REFUSED = "upload_refused"


def upload_was_refused(request):
    """Return whether this person's last upload could not be read, and forget it."""
    return bool(request.session.pop(UPLOAD_REFUSED, False))


class UnreadableUploadMiddleware:
    """Send an unreadable multipart POST back to its page, remembering why, in the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 - reading it parses the body, files included
            except MultiPartParserError:
                request.session[UPLOAD_REFUSED] = True
                return redirect(request.get_full_path())
        return self.get_response(request)
