"""What every application page needs: the application, fetched only as the user may see it."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from pacesetter.language import respond_in
from pacesetter.permissions import can
from schemes.domain.editing import NOT_EDITABLE
from schemes.models import Application


def get_visible_application(request, reference, queryset=None):
    """Return the application if the user may see it; otherwise a plain 404."""
    queryset = queryset if queryset is not None else Application.objects.all()
    return get_object_or_404(
        queryset.visible_to(request.user).select_related("round", "organisation"),
        reference=reference,
    )


def get_editable_application(request, reference, queryset=None):
    """Return the application if the user may change it now.

    Someone who may not see it gets a 404; an applicant of the board whose application is
    submitted, withdrawn or decided, or a manager, gets a 403 that says why.
    """
    application = get_visible_application(request, reference, queryset)
    if not can(request.user, "schemes.edit_application", application):
        if can(request.user, "schemes.withdraw_application", application):
            raise PermissionDenied(NOT_EDITABLE)
        raise PermissionDenied
    return application


def in_application_language(view):
    """Serve an applicant's page of an application in the language it is written in.

    For the pages of the application form (task list, sections, budget, ticks, attachments,
    declaration, check answers, submit, receipt): the view runs, and its page renders, with
    `Application.language` active. An application the user may not see changes nothing, so
    the view's own 404 comes in their language and says nothing about the application.
    """

    @wraps(view)
    def in_language(request, reference, *args, **kwargs):
        language = (
            Application.objects.visible_to(request.user)
            .filter(reference=reference)
            .values_list("language", flat=True)
            .first()
        )
        if not language:
            return view(request, reference, *args, **kwargs)
        return respond_in(language, view, request, reference, *args, **kwargs)

    return in_language
