"""Which language a page comes in, and the header's switch between English and Welsh.

Signed out, Django's LocaleMiddleware chooses (the switch's cookie, else the browser's
languages). Signed in, the person's recorded language decides, so the pages, their email and
their documents agree; the switch changes that record (audited), and a choice made on the
sign-in page becomes their record when they sign in.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from pacesetter.audit import audit_record
from pacesetter.enums import AuditAction

# What a signed-out person chose in this session, recorded as theirs when they sign in (the
# cookie alone is not: on a shared computer it may be the last person's).
CHOSEN_SIGNED_OUT = "language_chosen_signed_out"


def supported(code):
    """`code` if it is one of the portal's languages (en, cy), else ''."""
    return code if code in dict(settings.LANGUAGES) else ""


class RecordedLanguageMiddleware:
    """Serve a signed-in person in their recorded language; after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not supported(user.language):
            return self.get_response(request)
        # Only for this request: a worker thread serves whoever comes next.
        with translation.override(user.language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        # LocaleMiddleware, outside this one, sets the header only where it is missing.
        response.headers.setdefault("Content-Language", user.language)
        return response


def record_language(user, code, *, acting_user):
    """Make `code` the recorded language of `user`; audited. Nothing happens if unchanged."""
    if not supported(code) or user.language == code:
        return False
    before = user.language
    user.language = code
    user.save(update_fields=["language"])
    audit_record(
        AuditAction.LANGUAGE_CHANGED, actor=acting_user, obj=user, from_state=before, to_state=code
    )
    return True


def switch_language(request, code):
    """Show this page and the next in `code` (the header's link); a 404 for any other code.

    A plain link, so it works without JavaScript. The choice is kept in the language cookie
    and, for a signed-in person, as their recorded language. `next` must be this site's.
    """
    if not supported(code):
        raise Http404
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    user = request.user
    if user.is_authenticated:
        record_language(user, code, acting_user=user)
    else:
        request.session[CHOSEN_SIGNED_OUT] = code
    response = HttpResponseRedirect(next_url)
    remember_language(response, code)
    return response


def remember_language(response, code):
    """Keep `code` in the language cookie, so signed-out pages come in it too."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def chosen_before_sign_in(request, user):
    """On sign-in, record the language the person chose with the switch while signed out."""
    session = getattr(request, "session", None)
    if session is None:
        return
    code = supported(session.pop(CHOSEN_SIGNED_OUT, ""))
    if code:
        record_language(user, code, acting_user=user)


# The query parameter a download takes to say which language the document is written in.
DOCUMENT_LANGUAGE = "language"


def language_field(label, *, message=None, **kwargs):
    """GOV.UK radios asking for English or Welsh; `message` when neither is chosen."""
    message = message or _("Select English or Welsh")
    return forms.ChoiceField(
        label=label,
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
        **kwargs,
    )


def requested_language(request):
    """The language a document or spreadsheet is asked for, by `?language=`.

    Without one (or an empty one), the person's recorded language; a value that is not one
    of the portal's languages gives English, so a mistyped or tampered link still downloads.
    """
    asked = request.GET.get(DOCUMENT_LANGUAGE, "").strip().lower()
    if not asked:
        # The recorded language is the active one already (RecordedLanguageMiddleware).
        return supported(translation.get_language() or "") or "en"
    return supported(asked) or "en"


def respond_in(language, view, request, *args, **kwargs):
    """Run `view` with `language` active; its response says so in Content-Language."""
    with translation.override(language):
        response = view(request, *args, **kwargs)
    response.headers["Content-Language"] = language
    return response


def in_requested_language(view):
    """Make the view's document in the language `requested_language` finds.

    Reference content (criteria, questions, organisations' names) follows through
    django-modeltranslation, gettext for the rest, and `pacesetter.pdf.document_language`
    gives the PDF's `lang`. The response says its language in Content-Language.
    """

    @wraps(view)
    def in_language(request, *args, **kwargs):
        return respond_in(requested_language(request), view, request, *args, **kwargs)

    return in_language
