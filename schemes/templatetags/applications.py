"""What an application's status looks like to the person viewing it, and its language."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from pacesetter.permissions import can
from schemes.enums import OUTCOME_STATUSES, ApplicationStatus

register = template.Library()


@register.simple_tag
def visible_status(application, user):
    """Return the status `user` may see: a decision shows to applicants only once released.

    Until the round's feedback is released, an applicant sees a decided application as
    submitted; programme managers see the real status.
    """
    status = ApplicationStatus(application.status)
    if (
        status in OUTCOME_STATUSES
        and application.round.feedback_released_at is None
        and not can(user, "schemes.decide_application", application)
    ):
        return ApplicationStatus.SUBMITTED
    return status


@register.simple_tag
def written_in(application):
    """` lang="cy"` (or "en") for what the applicant wrote, if the page is in the other language.

    Put inside the opening tag of the element holding an answer, so screen readers and
    hyphenation read it in the language it is written in. Empty when the page is in it.
    """
    language = getattr(application, "language", "")
    if not language or language == (get_language() or "en").split("-")[0]:
        return ""
    return format_html(' lang="{}"', language)
