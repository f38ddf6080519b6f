"""What an application's status looks like to the person viewing it."""

from django import template

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
