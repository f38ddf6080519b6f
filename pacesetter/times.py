"""Dates and times written as GOV.UK writes them: 9am, 5:30pm, midday, midnight.

Every page, email and message shows a time through these (the `govuk_time` and
`govuk_datetime` template filters in pacesetter/templatetags/portal.py call them), in the
portal's time zone. Forms still take times on the 24-hour clock, as people type them.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


def local(value):
    """Return `value` in the portal's time zone when it is an aware date and time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def govuk_time(value) -> str:
    """Write the time of `value` as GOV.UK does: 9am, 5:30pm, 12:15am, midday, midnight."""
    value = local(value)
    hour, minute = value.hour, value.minute
    if (hour, minute) == (0, 0):
        return _("midnight")
    if (hour, minute) == (12, 0):
        return _("midday")
    clock = str(hour % 12 or 12) + (f":{minute:02d}" if minute else "")
    if hour < 12:
        return _("%(time)sam") % {"time": clock}
    return _("%(time)spm") % {"time": clock}


def govuk_datetime(value) -> str:
    """Write a date and time as GOV.UK does: 1 December 2026 at 5:30pm."""
    value = local(value)
    return _("%(date)s at %(time)s") % {
        "date": date_format(value, "j F Y"),
        "time": govuk_time(value),
    }
